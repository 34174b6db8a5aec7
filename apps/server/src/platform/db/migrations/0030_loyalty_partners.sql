CREATE TABLE "loyalty_finance_settings" (
	"tenant_id" uuid NOT NULL,
	"point_value_points" bigint,
	"point_value_minor" bigint,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_finance_settings_tenant_id_pk" PRIMARY KEY("tenant_id"),
	CONSTRAINT "loyalty_finance_settings_value" CHECK (("loyalty_finance_settings"."point_value_points" IS NULL) = ("loyalty_finance_settings"."point_value_minor" IS NULL) AND ("loyalty_finance_settings"."point_value_points" IS NULL OR ("loyalty_finance_settings"."point_value_points" > 0 AND "loyalty_finance_settings"."point_value_minor" >= 0)))
);
--> statement-breakpoint
CREATE TABLE "loyalty_partner_entries" (
	"tenant_id" uuid NOT NULL,
	"entry_id" bigint NOT NULL,
	"partner_id" uuid NOT NULL,
	"offer_id" uuid,
	"customer_id" uuid NOT NULL,
	"direction" text NOT NULL,
	"points" bigint NOT NULL,
	"billed" boolean NOT NULL,
	"price_per_point_minor" bigint NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "loyalty_partner_entries_tenant_id_entry_id_pk" PRIMARY KEY("tenant_id","entry_id"),
	CONSTRAINT "loyalty_partner_entries_direction" CHECK ("loyalty_partner_entries"."direction" IN ('earn', 'redeem')),
	CONSTRAINT "loyalty_partner_entries_amounts" CHECK ("loyalty_partner_entries"."points" > 0 AND "loyalty_partner_entries"."price_per_point_minor" >= 0 AND "loyalty_partner_entries"."amount_minor" >= 0 AND ("loyalty_partner_entries"."billed" OR "loyalty_partner_entries"."amount_minor" = 0)),
	CONSTRAINT "loyalty_partner_entries_offer" CHECK (("loyalty_partner_entries"."direction" = 'redeem') = ("loyalty_partner_entries"."offer_id" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "loyalty_partner_offers" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"name" jsonb NOT NULL,
	"points_cost" bigint NOT NULL,
	"min_spend_minor" bigint NOT NULL,
	"spend_window_days" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_partner_offers_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "loyalty_partner_offers_cost" CHECK ("loyalty_partner_offers"."points_cost" > 0),
	CONSTRAINT "loyalty_partner_offers_threshold" CHECK ("loyalty_partner_offers"."min_spend_minor" >= 0 AND "loyalty_partner_offers"."spend_window_days" > 0)
);
--> statement-breakpoint
CREATE TABLE "loyalty_partner_usage" (
	"tenant_id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"earned" bigint DEFAULT 0 NOT NULL,
	"redeemed" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "loyalty_partner_usage_tenant_id_partner_id_period_start_pk" PRIMARY KEY("tenant_id","partner_id","period_start"),
	CONSTRAINT "loyalty_partner_usage_amounts" CHECK ("loyalty_partner_usage"."earned" >= 0 AND "loyalty_partner_usage"."redeemed" >= 0)
);
--> statement-breakpoint
CREATE TABLE "loyalty_partners" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" jsonb NOT NULL,
	"contact" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"billing_model" text NOT NULL,
	"price_per_point_minor" bigint NOT NULL,
	"monthly_earn_cap" bigint,
	"monthly_redeem_cap" bigint,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_partners_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "loyalty_partners_billing" CHECK ("loyalty_partners"."billing_model" IN ('at_earning', 'at_redemption')),
	CONSTRAINT "loyalty_partners_price" CHECK ("loyalty_partners"."price_per_point_minor" >= 0),
	CONSTRAINT "loyalty_partners_caps" CHECK (("loyalty_partners"."monthly_earn_cap" IS NULL OR "loyalty_partners"."monthly_earn_cap" > 0) AND ("loyalty_partners"."monthly_redeem_cap" IS NULL OR "loyalty_partners"."monthly_redeem_cap" > 0))
);
--> statement-breakpoint
ALTER TABLE "loyalty_finance_settings" ADD CONSTRAINT "loyalty_finance_settings_tenant_id_workspaces_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_partner_entries" ADD CONSTRAINT "loyalty_partner_entries_tenant_id_entry_id_loyalty_entries_tenant_id_id_fk" FOREIGN KEY ("tenant_id","entry_id") REFERENCES "public"."loyalty_entries"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_partner_entries" ADD CONSTRAINT "loyalty_partner_entries_tenant_id_partner_id_loyalty_partners_tenant_id_id_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "public"."loyalty_partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_partner_entries" ADD CONSTRAINT "loyalty_partner_entries_tenant_id_offer_id_loyalty_partner_offers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","offer_id") REFERENCES "public"."loyalty_partner_offers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_partner_entries" ADD CONSTRAINT "loyalty_partner_entries_tenant_id_customer_id_loyalty_members_tenant_id_customer_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."loyalty_members"("tenant_id","customer_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_partner_offers" ADD CONSTRAINT "loyalty_partner_offers_tenant_id_partner_id_loyalty_partners_tenant_id_id_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "public"."loyalty_partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_partner_usage" ADD CONSTRAINT "loyalty_partner_usage_tenant_id_partner_id_loyalty_partners_tenant_id_id_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "public"."loyalty_partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "loyalty_partner_entries_period_idx" ON "loyalty_partner_entries" USING btree ("tenant_id","partner_id","created_at");--> statement-breakpoint
CREATE INDEX "loyalty_partner_entries_member_idx" ON "loyalty_partner_entries" USING btree ("tenant_id","customer_id","offer_id");--> statement-breakpoint
CREATE INDEX "loyalty_partner_offers_partner_idx" ON "loyalty_partner_offers" USING btree ("tenant_id","partner_id");--> statement-breakpoint
-- Which partner an entry belongs to, at what price, is written once with the entry.
CREATE TRIGGER loyalty_partner_entries_append_only BEFORE UPDATE OR DELETE ON loyalty_partner_entries FOR EACH ROW EXECUTE FUNCTION loyalty_refuse_change();
