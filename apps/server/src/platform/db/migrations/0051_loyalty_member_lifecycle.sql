ALTER TABLE "loyalty_entries" DROP CONSTRAINT "loyalty_entries_kind";--> statement-breakpoint
ALTER TABLE "loyalty_members" ADD COLUMN "merged_into" uuid;--> statement-breakpoint
ALTER TABLE "loyalty_members" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "loyalty_entries" ADD CONSTRAINT "loyalty_entries_kind" CHECK ("loyalty_entries"."kind" IN ('earn', 'unlock', 'redeem', 'expire', 'reversal', 'adjust', 'hold', 'capture', 'release', 'donate', 'transfer', 'merge'));--> statement-breakpoint
CREATE INDEX "loyalty_members_merged_idx" ON "loyalty_members" USING btree ("tenant_id","merged_into") WHERE merged_into IS NOT NULL;