ALTER TABLE "loyalty_partner_entries" ALTER COLUMN "price_per_point_minor" SET DATA TYPE numeric(20, 0);--> statement-breakpoint
ALTER TABLE "loyalty_partner_entries" ALTER COLUMN "amount_minor" SET DATA TYPE numeric(38, 0);--> statement-breakpoint
ALTER TABLE "loyalty_partner_offers" ALTER COLUMN "min_spend_minor" SET DATA TYPE numeric(20, 0);--> statement-breakpoint
ALTER TABLE "loyalty_partners" ALTER COLUMN "price_per_point_minor" SET DATA TYPE numeric(20, 0);