CREATE TABLE "loyalty_charities" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" jsonb NOT NULL,
	"registration" text,
	"rate_points" bigint NOT NULL,
	"rate_minor" bigint NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_charities_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "loyalty_charities_rate" CHECK ("loyalty_charities"."rate_points" > 0 AND "loyalty_charities"."rate_minor" > 0)
);
--> statement-breakpoint
CREATE TABLE "loyalty_donations" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"charity_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"entry_id" bigint NOT NULL,
	"points" bigint NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"rate_points" bigint NOT NULL,
	"rate_minor" bigint NOT NULL,
	"receipt_seq" bigint NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "loyalty_donations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "loyalty_donations_amounts" CHECK ("loyalty_donations"."points" > 0 AND "loyalty_donations"."amount_minor" > 0 AND "loyalty_donations"."rate_points" > 0 AND "loyalty_donations"."rate_minor" > 0)
);
--> statement-breakpoint
CREATE TABLE "loyalty_receipt_counters" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"last" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "loyalty_redemption_holds" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"reward_id" uuid,
	"points" bigint NOT NULL,
	"idempotency_key" text NOT NULL,
	"external_id" text,
	"status" text DEFAULT 'held' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"hold_entry_id" bigint,
	"settle_entry_id" bigint,
	"source" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"settled_at" timestamp with time zone,
	CONSTRAINT "loyalty_redemption_holds_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "loyalty_redemption_holds_status" CHECK (status IN ('held', 'captured', 'released', 'expired')),
	CONSTRAINT "loyalty_redemption_holds_points" CHECK ("loyalty_redemption_holds"."points" > 0),
	CONSTRAINT "loyalty_redemption_holds_settled" CHECK (("loyalty_redemption_holds"."status" = 'held') = ("loyalty_redemption_holds"."settle_entry_id" IS NULL) AND ("loyalty_redemption_holds"."status" = 'held') = ("loyalty_redemption_holds"."settled_at" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "loyalty_rewards" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"kind" text NOT NULL,
	"name" jsonb NOT NULL,
	"points_cost" bigint NOT NULL,
	"stock_total" integer,
	"stock_left" integer,
	"per_member_limit" integer,
	"valid_from" timestamp with time zone,
	"valid_until" timestamp with time zone,
	"active" boolean DEFAULT true NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_rewards_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "loyalty_rewards_kind" CHECK (kind IN ('gift', 'coupon', 'partner_offer', 'donation')),
	CONSTRAINT "loyalty_rewards_cost" CHECK ("loyalty_rewards"."points_cost" > 0),
	CONSTRAINT "loyalty_rewards_stock" CHECK (("loyalty_rewards"."stock_total" IS NULL) = ("loyalty_rewards"."stock_left" IS NULL) AND "loyalty_rewards"."stock_left" >= 0 AND "loyalty_rewards"."stock_left" <= "loyalty_rewards"."stock_total"),
	CONSTRAINT "loyalty_rewards_limit" CHECK ("loyalty_rewards"."per_member_limit" IS NULL OR "loyalty_rewards"."per_member_limit" > 0),
	CONSTRAINT "loyalty_rewards_window" CHECK ("loyalty_rewards"."valid_from" IS NULL OR "loyalty_rewards"."valid_until" IS NULL OR "loyalty_rewards"."valid_until" > "loyalty_rewards"."valid_from")
);
--> statement-breakpoint
ALTER TABLE "loyalty_accounts" DROP CONSTRAINT "loyalty_accounts_kind";--> statement-breakpoint
ALTER TABLE "loyalty_accounts" DROP CONSTRAINT "loyalty_accounts_holder";--> statement-breakpoint
ALTER TABLE "loyalty_entries" DROP CONSTRAINT "loyalty_entries_kind";--> statement-breakpoint
ALTER TABLE "loyalty_donations" ADD CONSTRAINT "loyalty_donations_tenant_id_charity_id_loyalty_charities_tenant_id_id_fk" FOREIGN KEY ("tenant_id","charity_id") REFERENCES "public"."loyalty_charities"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_donations" ADD CONSTRAINT "loyalty_donations_tenant_id_customer_id_loyalty_members_tenant_id_customer_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."loyalty_members"("tenant_id","customer_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_donations" ADD CONSTRAINT "loyalty_donations_tenant_id_entry_id_loyalty_entries_tenant_id_id_fk" FOREIGN KEY ("tenant_id","entry_id") REFERENCES "public"."loyalty_entries"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_redemption_holds" ADD CONSTRAINT "loyalty_redemption_holds_tenant_id_customer_id_loyalty_members_tenant_id_customer_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."loyalty_members"("tenant_id","customer_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_redemption_holds" ADD CONSTRAINT "loyalty_redemption_holds_tenant_id_reward_id_loyalty_rewards_tenant_id_id_fk" FOREIGN KEY ("tenant_id","reward_id") REFERENCES "public"."loyalty_rewards"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_redemption_holds" ADD CONSTRAINT "loyalty_redemption_holds_tenant_id_hold_entry_id_loyalty_entries_tenant_id_id_fk" FOREIGN KEY ("tenant_id","hold_entry_id") REFERENCES "public"."loyalty_entries"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_redemption_holds" ADD CONSTRAINT "loyalty_redemption_holds_tenant_id_settle_entry_id_loyalty_entries_tenant_id_id_fk" FOREIGN KEY ("tenant_id","settle_entry_id") REFERENCES "public"."loyalty_entries"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_donations_entry_key" ON "loyalty_donations" USING btree ("tenant_id","entry_id");--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_donations_receipt_key" ON "loyalty_donations" USING btree ("tenant_id","receipt_seq");--> statement-breakpoint
CREATE INDEX "loyalty_donations_charity_idx" ON "loyalty_donations" USING btree ("tenant_id","charity_id","created_at");--> statement-breakpoint
CREATE INDEX "loyalty_donations_member_idx" ON "loyalty_donations" USING btree ("tenant_id","customer_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_redemption_holds_key" ON "loyalty_redemption_holds" USING btree ("tenant_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "loyalty_redemption_holds_open_idx" ON "loyalty_redemption_holds" USING btree ("tenant_id","expires_at") WHERE status = 'held';--> statement-breakpoint
CREATE INDEX "loyalty_redemption_holds_reward_idx" ON "loyalty_redemption_holds" USING btree ("tenant_id","reward_id","customer_id") WHERE reward_id IS NOT NULL AND status IN ('held', 'captured');--> statement-breakpoint
CREATE INDEX "loyalty_redemption_holds_member_idx" ON "loyalty_redemption_holds" USING btree ("tenant_id","customer_id","created_at");--> statement-breakpoint
ALTER TABLE "loyalty_accounts" ADD CONSTRAINT "loyalty_accounts_kind" CHECK ("loyalty_accounts"."kind" IN ('issuance', 'redemptions', 'breakage', 'charity_payable', 'partner_payable', 'qualifying_issuance', 'pending', 'available', 'qualifying', 'held'));--> statement-breakpoint
ALTER TABLE "loyalty_accounts" ADD CONSTRAINT "loyalty_accounts_holder" CHECK (("loyalty_accounts"."customer_id" IS NOT NULL) = ("loyalty_accounts"."kind" IN ('pending', 'available', 'qualifying', 'held')));--> statement-breakpoint
ALTER TABLE "loyalty_entries" ADD CONSTRAINT "loyalty_entries_kind" CHECK ("loyalty_entries"."kind" IN ('earn', 'unlock', 'redeem', 'expire', 'reversal', 'adjust', 'hold', 'capture', 'release', 'donate'));