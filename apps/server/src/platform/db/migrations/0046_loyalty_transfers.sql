ALTER TABLE "loyalty_entries" DROP CONSTRAINT "loyalty_entries_kind";--> statement-breakpoint
DROP INDEX "loyalty_lots_entry_key";--> statement-breakpoint
ALTER TABLE "loyalty_lots" ADD CONSTRAINT "loyalty_lots_entry_key" UNIQUE NULLS NOT DISTINCT("tenant_id","entry_id","expires_at");--> statement-breakpoint
ALTER TABLE "loyalty_entries" ADD CONSTRAINT "loyalty_entries_kind" CHECK ("loyalty_entries"."kind" IN ('earn', 'unlock', 'redeem', 'expire', 'reversal', 'adjust', 'hold', 'capture', 'release', 'donate', 'transfer'));