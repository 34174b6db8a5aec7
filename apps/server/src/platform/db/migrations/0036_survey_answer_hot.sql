-- Survey answers update customers.last_seen_at and survey_invitations.responded_at once each.
-- With neither column in an index (nor an index predicate) and room left on each page, both
-- updates are HOT: no new index entries (customers has 12 indexes, invitations 5). Existing full
-- pages take the free space as they are next pruned or vacuumed; no rewrite here.
DROP INDEX "customers_last_seen_idx";--> statement-breakpoint
DROP INDEX "survey_invitations_remind_idx";--> statement-breakpoint
ALTER TABLE "customers" SET (fillfactor = 90);--> statement-breakpoint
ALTER TABLE "survey_invitations" SET (fillfactor = 90);
