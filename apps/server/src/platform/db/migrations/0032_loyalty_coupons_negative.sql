CREATE TABLE "loyalty_coupon_codes" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"reward_id" uuid NOT NULL,
	"code" text NOT NULL,
	"code_key" text NOT NULL,
	"status" text DEFAULT 'available' NOT NULL,
	"source" text NOT NULL,
	"redemption_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"assigned_at" timestamp with time zone,
	"used_at" timestamp with time zone,
	CONSTRAINT "loyalty_coupon_codes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "loyalty_coupon_codes_status" CHECK (status IN ('available', 'assigned', 'void')),
	CONSTRAINT "loyalty_coupon_codes_source" CHECK ("loyalty_coupon_codes"."source" IN ('generated', 'uploaded')),
	CONSTRAINT "loyalty_coupon_codes_assigned" CHECK (("loyalty_coupon_codes"."status" = 'available') = ("loyalty_coupon_codes"."redemption_id" IS NULL)),
	CONSTRAINT "loyalty_coupon_codes_length" CHECK (length("loyalty_coupon_codes"."code") BETWEEN 1 AND 64 AND length("loyalty_coupon_codes"."code_key") BETWEEN 1 AND 64)
);
--> statement-breakpoint
CREATE TABLE "loyalty_coupon_redemptions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"reward_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"code_id" uuid NOT NULL,
	"points" bigint NOT NULL,
	"idempotency_key" text NOT NULL,
	"external_id" text,
	"entry_id" bigint NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"cancel_entry_id" bigint,
	"code_returned" boolean,
	"source" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"cancelled_at" timestamp with time zone,
	CONSTRAINT "loyalty_coupon_redemptions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "loyalty_coupon_redemptions_status" CHECK ("loyalty_coupon_redemptions"."status" IN ('active', 'cancelled')),
	CONSTRAINT "loyalty_coupon_redemptions_cancel" CHECK (("loyalty_coupon_redemptions"."status" = 'cancelled') = ("loyalty_coupon_redemptions"."cancel_entry_id" IS NOT NULL) AND ("loyalty_coupon_redemptions"."status" = 'cancelled') = ("loyalty_coupon_redemptions"."cancelled_at" IS NOT NULL)),
	CONSTRAINT "loyalty_coupon_redemptions_points" CHECK ("loyalty_coupon_redemptions"."points" > 0)
);
--> statement-breakpoint
CREATE TABLE "loyalty_reward_restrictions" (
	"tenant_id" uuid NOT NULL,
	"reward_id" uuid NOT NULL,
	"program_id" uuid NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "loyalty_reward_restrictions_tenant_id_reward_id_pk" PRIMARY KEY("tenant_id","reward_id")
);
--> statement-breakpoint
CREATE TABLE "loyalty_reward_tiers" (
	"tenant_id" uuid NOT NULL,
	"reward_id" uuid NOT NULL,
	"tier_id" uuid NOT NULL,
	CONSTRAINT "loyalty_reward_tiers_tenant_id_reward_id_tier_id_pk" PRIMARY KEY("tenant_id","reward_id","tier_id")
);
--> statement-breakpoint
ALTER TABLE "loyalty_accounts" DROP CONSTRAINT "loyalty_accounts_kind";--> statement-breakpoint
ALTER TABLE "loyalty_accounts" DROP CONSTRAINT "loyalty_accounts_holder";--> statement-breakpoint
ALTER TABLE "loyalty_rewards" DROP CONSTRAINT "loyalty_rewards_kind";--> statement-breakpoint
ALTER TABLE "loyalty_coupon_codes" ADD CONSTRAINT "loyalty_coupon_codes_tenant_id_reward_id_loyalty_rewards_tenant_id_id_fk" FOREIGN KEY ("tenant_id","reward_id") REFERENCES "public"."loyalty_rewards"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_coupon_redemptions" ADD CONSTRAINT "loyalty_coupon_redemptions_tenant_id_reward_id_loyalty_rewards_tenant_id_id_fk" FOREIGN KEY ("tenant_id","reward_id") REFERENCES "public"."loyalty_rewards"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_coupon_redemptions" ADD CONSTRAINT "loyalty_coupon_redemptions_tenant_id_customer_id_loyalty_members_tenant_id_customer_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."loyalty_members"("tenant_id","customer_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_coupon_redemptions" ADD CONSTRAINT "loyalty_coupon_redemptions_tenant_id_code_id_loyalty_coupon_codes_tenant_id_id_fk" FOREIGN KEY ("tenant_id","code_id") REFERENCES "public"."loyalty_coupon_codes"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_coupon_redemptions" ADD CONSTRAINT "loyalty_coupon_redemptions_tenant_id_entry_id_loyalty_entries_tenant_id_id_fk" FOREIGN KEY ("tenant_id","entry_id") REFERENCES "public"."loyalty_entries"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_coupon_redemptions" ADD CONSTRAINT "loyalty_coupon_redemptions_tenant_id_cancel_entry_id_loyalty_entries_tenant_id_id_fk" FOREIGN KEY ("tenant_id","cancel_entry_id") REFERENCES "public"."loyalty_entries"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_reward_restrictions" ADD CONSTRAINT "loyalty_reward_restrictions_tenant_id_reward_id_loyalty_rewards_tenant_id_id_fk" FOREIGN KEY ("tenant_id","reward_id") REFERENCES "public"."loyalty_rewards"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_reward_restrictions" ADD CONSTRAINT "loyalty_reward_restrictions_tenant_id_program_id_loyalty_programs_tenant_id_id_fk" FOREIGN KEY ("tenant_id","program_id") REFERENCES "public"."loyalty_programs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_reward_tiers" ADD CONSTRAINT "loyalty_reward_tiers_tenant_id_reward_id_loyalty_reward_restrictions_tenant_id_reward_id_fk" FOREIGN KEY ("tenant_id","reward_id") REFERENCES "public"."loyalty_reward_restrictions"("tenant_id","reward_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_reward_tiers" ADD CONSTRAINT "loyalty_reward_tiers_tenant_id_tier_id_loyalty_tiers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","tier_id") REFERENCES "public"."loyalty_tiers"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_coupon_codes_key" ON "loyalty_coupon_codes" USING btree ("tenant_id","code_key");--> statement-breakpoint
CREATE INDEX "loyalty_coupon_codes_pool_idx" ON "loyalty_coupon_codes" USING btree ("tenant_id","reward_id","status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_coupon_redemptions_key" ON "loyalty_coupon_redemptions" USING btree ("tenant_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "loyalty_coupon_redemptions_member_idx" ON "loyalty_coupon_redemptions" USING btree ("tenant_id","customer_id","created_at");--> statement-breakpoint
CREATE INDEX "loyalty_coupon_redemptions_reward_idx" ON "loyalty_coupon_redemptions" USING btree ("tenant_id","reward_id","customer_id");--> statement-breakpoint
ALTER TABLE "loyalty_accounts" ADD CONSTRAINT "loyalty_accounts_kind" CHECK ("loyalty_accounts"."kind" IN ('issuance', 'redemptions', 'breakage', 'charity_payable', 'partner_payable', 'qualifying_issuance', 'write_off', 'pending', 'available', 'qualifying', 'held', 'owed'));--> statement-breakpoint
ALTER TABLE "loyalty_accounts" ADD CONSTRAINT "loyalty_accounts_holder" CHECK (("loyalty_accounts"."customer_id" IS NOT NULL) = ("loyalty_accounts"."kind" IN ('pending', 'available', 'qualifying', 'held', 'owed')));--> statement-breakpoint
ALTER TABLE "loyalty_rewards" ADD CONSTRAINT "loyalty_rewards_kind" CHECK (kind IN ('gift', 'coupon', 'partner_offer', 'donation', 'discount_coupon'));