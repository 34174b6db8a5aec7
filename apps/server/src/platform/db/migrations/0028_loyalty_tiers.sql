CREATE TABLE "loyalty_member_tiers" (
	"tenant_id" uuid NOT NULL,
	"program_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"tier_id" uuid,
	"since" timestamp with time zone NOT NULL,
	"evaluated_at" timestamp with time zone NOT NULL,
	"downgrade_to_tier_id" uuid,
	"downgrade_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_member_tiers_tenant_id_program_id_customer_id_pk" PRIMARY KEY("tenant_id","program_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "loyalty_tier_changes" (
	"tenant_id" uuid NOT NULL,
	"id" bigserial NOT NULL,
	"program_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"from_tier_id" uuid,
	"to_tier_id" uuid,
	"reason" text NOT NULL,
	"value" bigint NOT NULL,
	"idempotency_key" text NOT NULL,
	"entry_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_tier_changes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "loyalty_tier_changes_reason" CHECK ("loyalty_tier_changes"."reason" IN ('upgrade', 'downgrade_one_step', 'downgrade_recalculated'))
);
--> statement-breakpoint
CREATE TABLE "loyalty_tier_settings" (
	"tenant_id" uuid NOT NULL,
	"program_id" uuid NOT NULL,
	"basis" text NOT NULL,
	"window" jsonb NOT NULL,
	"downgrade" text NOT NULL,
	"grace_days" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_tier_settings_tenant_id_program_id_pk" PRIMARY KEY("tenant_id","program_id"),
	CONSTRAINT "loyalty_tier_settings_basis" CHECK ("loyalty_tier_settings"."basis" IN ('qualifying_points', 'spend', 'orders')),
	CONSTRAINT "loyalty_tier_settings_downgrade" CHECK ("loyalty_tier_settings"."downgrade" IN ('none', 'one_step', 'recalculate')),
	CONSTRAINT "loyalty_tier_settings_grace" CHECK ("loyalty_tier_settings"."grace_days" >= 0)
);
--> statement-breakpoint
CREATE TABLE "loyalty_tiers" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"program_id" uuid NOT NULL,
	"name" jsonb NOT NULL,
	"threshold" bigint NOT NULL,
	"multiplier_percent" integer DEFAULT 100 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_tiers_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "loyalty_tiers_threshold" CHECK ("loyalty_tiers"."threshold" >= 0),
	CONSTRAINT "loyalty_tiers_multiplier" CHECK ("loyalty_tiers"."multiplier_percent" >= 0 AND "loyalty_tiers"."multiplier_percent" <= 10000)
);
--> statement-breakpoint
ALTER TABLE "loyalty_member_tiers" ADD CONSTRAINT "loyalty_member_tiers_tenant_id_program_id_loyalty_programs_tenant_id_id_fk" FOREIGN KEY ("tenant_id","program_id") REFERENCES "public"."loyalty_programs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_member_tiers" ADD CONSTRAINT "loyalty_member_tiers_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_member_tiers" ADD CONSTRAINT "loyalty_member_tiers_tenant_id_tier_id_loyalty_tiers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","tier_id") REFERENCES "public"."loyalty_tiers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_member_tiers" ADD CONSTRAINT "loyalty_member_tiers_tenant_id_downgrade_to_tier_id_loyalty_tiers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","downgrade_to_tier_id") REFERENCES "public"."loyalty_tiers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_tier_changes" ADD CONSTRAINT "loyalty_tier_changes_tenant_id_program_id_loyalty_programs_tenant_id_id_fk" FOREIGN KEY ("tenant_id","program_id") REFERENCES "public"."loyalty_programs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_tier_changes" ADD CONSTRAINT "loyalty_tier_changes_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_tier_settings" ADD CONSTRAINT "loyalty_tier_settings_tenant_id_program_id_loyalty_programs_tenant_id_id_fk" FOREIGN KEY ("tenant_id","program_id") REFERENCES "public"."loyalty_programs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_tiers" ADD CONSTRAINT "loyalty_tiers_tenant_id_program_id_loyalty_programs_tenant_id_id_fk" FOREIGN KEY ("tenant_id","program_id") REFERENCES "public"."loyalty_programs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "loyalty_member_tiers_evaluated_idx" ON "loyalty_member_tiers" USING btree ("tenant_id","program_id","evaluated_at") WHERE tier_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "loyalty_member_tiers_downgrade_idx" ON "loyalty_member_tiers" USING btree ("tenant_id","program_id","downgrade_at") WHERE downgrade_at IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_tier_changes_idempotency_key" ON "loyalty_tier_changes" USING btree ("tenant_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "loyalty_tier_changes_member_idx" ON "loyalty_tier_changes" USING btree ("tenant_id","program_id","customer_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_tiers_threshold_key" ON "loyalty_tiers" USING btree ("tenant_id","program_id","threshold");--> statement-breakpoint
CREATE TRIGGER loyalty_tier_changes_append_only BEFORE UPDATE OR DELETE ON loyalty_tier_changes FOR EACH ROW EXECUTE FUNCTION loyalty_refuse_change();
