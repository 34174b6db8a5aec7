-- A partner offer's stock (issue 12): how many may be redeemed in all and how many are left; null
-- both: unlimited, as every offer was until now. Redemptions take one by a conditional update.
ALTER TABLE "loyalty_partner_offers" ADD COLUMN "stock_total" integer;--> statement-breakpoint
ALTER TABLE "loyalty_partner_offers" ADD COLUMN "stock_left" integer;--> statement-breakpoint
ALTER TABLE "loyalty_partner_offers" ADD CONSTRAINT "loyalty_partner_offers_stock" CHECK (("loyalty_partner_offers"."stock_total" IS NULL) = ("loyalty_partner_offers"."stock_left" IS NULL) AND "loyalty_partner_offers"."stock_left" >= 0 AND "loyalty_partner_offers"."stock_left" <= "loyalty_partner_offers"."stock_total");