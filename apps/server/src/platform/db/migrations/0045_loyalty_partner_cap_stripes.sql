-- A capped partner's room for the month held as stripes (issue 12: caps per partner must not
-- serialise all traffic): loyalty_partner_cap_stripes replaces the one month counter row per
-- partner that every capped earning or redemption updated. Nothing is carried over: a month with
-- no stripes counts its room from the partner's entries not reversed at its first taking (or at a
-- change of caps), as the counter did, so the figures are the same.
DROP TABLE "loyalty_partner_usage" CASCADE;--> statement-breakpoint
CREATE TABLE "loyalty_partner_cap_stripes" (
	"tenant_id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"direction" text NOT NULL,
	"stripe" smallint NOT NULL,
	"room" bigint NOT NULL,
	CONSTRAINT "loyalty_partner_cap_stripes_tenant_id_partner_id_period_start_direction_stripe_pk" PRIMARY KEY("tenant_id","partner_id","period_start","direction","stripe"),
	CONSTRAINT "loyalty_partner_cap_stripes_direction" CHECK ("loyalty_partner_cap_stripes"."direction" IN ('earn', 'redeem')),
	CONSTRAINT "loyalty_partner_cap_stripes_room" CHECK ("loyalty_partner_cap_stripes"."stripe" >= 0 AND ("loyalty_partner_cap_stripes"."room" >= 0 OR "loyalty_partner_cap_stripes"."stripe" = 0))
);
--> statement-breakpoint
ALTER TABLE "loyalty_partner_cap_stripes" ADD CONSTRAINT "loyalty_partner_cap_stripes_tenant_id_partner_id_loyalty_partners_tenant_id_id_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "public"."loyalty_partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;