-- Prepaid credit moves on a customer merge: `merge` entries of the credit ledger (the merged-away
-- member's paid and bonus accounts → the survivor's, its bonus lots drawn and reopened for the
-- survivor with their expiry). The entry kinds' check gains 'merge'.
ALTER TABLE "loyalty_credit_entries" DROP CONSTRAINT "loyalty_credit_entries_kind";--> statement-breakpoint
ALTER TABLE "loyalty_credit_entries" ADD CONSTRAINT "loyalty_credit_entries_kind" CHECK ("loyalty_credit_entries"."kind" IN ('purchase', 'spend', 'refund', 'expire', 'merge'));
