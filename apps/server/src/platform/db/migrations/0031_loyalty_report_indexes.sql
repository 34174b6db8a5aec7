-- The finance report, the members list and the ledger explorer (loyalty finance.*, members-list.*,
-- ledger-explorer.*). Indexes on the ledger's and the tiers' tables, written by hand: those tables
-- belong to other files, and these indexes serve only these read paths.
-- Entries of a period, newest first (the explorer's order and the report's flows).
CREATE INDEX IF NOT EXISTS "loyalty_entries_created_idx" ON "loyalty_entries" USING btree ("tenant_id", "created_at", "id");--> statement-breakpoint
-- The members list sorted by balance or by last activity, keyset-paged.
CREATE INDEX IF NOT EXISTS "loyalty_members_available_idx" ON "loyalty_members" USING btree ("tenant_id", "available", "customer_id");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "loyalty_members_activity_idx" ON "loyalty_members" USING btree ("tenant_id", "updated_at", "customer_id");--> statement-breakpoint
-- The members of one tier, and a program's tier changes in a period.
CREATE INDEX IF NOT EXISTS "loyalty_member_tiers_tier_idx" ON "loyalty_member_tiers" USING btree ("tenant_id", "program_id", "tier_id", "customer_id");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "loyalty_tier_changes_created_idx" ON "loyalty_tier_changes" USING btree ("tenant_id", "program_id", "created_at");
