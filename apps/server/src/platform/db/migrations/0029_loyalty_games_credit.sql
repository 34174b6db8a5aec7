CREATE TABLE "loyalty_credit_accounts" (
	"tenant_id" uuid NOT NULL,
	"id" bigserial NOT NULL,
	"kind" text NOT NULL,
	"currency" text NOT NULL,
	"customer_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_credit_accounts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "loyalty_credit_accounts_kind" CHECK ("loyalty_credit_accounts"."kind" IN ('funding', 'bonus_issuance', 'spent_paid', 'spent_bonus', 'paid', 'bonus')),
	CONSTRAINT "loyalty_credit_accounts_holder" CHECK (("loyalty_credit_accounts"."customer_id" IS NOT NULL) = ("loyalty_credit_accounts"."kind" IN ('paid', 'bonus')))
);
--> statement-breakpoint
CREATE TABLE "loyalty_credit_balances" (
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"paid" bigint DEFAULT 0 NOT NULL,
	"bonus" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_credit_balances_tenant_id_customer_id_currency_pk" PRIMARY KEY("tenant_id","customer_id","currency"),
	CONSTRAINT "loyalty_credit_balances_not_negative" CHECK ("loyalty_credit_balances"."paid" >= 0 AND "loyalty_credit_balances"."bonus" >= 0)
);
--> statement-breakpoint
CREATE TABLE "loyalty_credit_entries" (
	"tenant_id" uuid NOT NULL,
	"id" bigserial NOT NULL,
	"kind" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"package_id" uuid,
	"external_id" text,
	"reason" text,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_credit_entries_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "loyalty_credit_entries_kind" CHECK ("loyalty_credit_entries"."kind" IN ('purchase', 'spend'))
);
--> statement-breakpoint
CREATE TABLE "loyalty_credit_packages" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"program_id" uuid NOT NULL,
	"name" jsonb NOT NULL,
	"currency" text NOT NULL,
	"price_minor" bigint NOT NULL,
	"credit_minor" bigint NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_credit_packages_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "loyalty_credit_packages_amounts" CHECK ("loyalty_credit_packages"."price_minor" > 0 AND "loyalty_credit_packages"."credit_minor" >= "loyalty_credit_packages"."price_minor")
);
--> statement-breakpoint
CREATE TABLE "loyalty_credit_postings" (
	"tenant_id" uuid NOT NULL,
	"entry_id" bigint NOT NULL,
	"account_id" bigint NOT NULL,
	"amount" bigint NOT NULL,
	CONSTRAINT "loyalty_credit_postings_tenant_id_entry_id_account_id_pk" PRIMARY KEY("tenant_id","entry_id","account_id"),
	CONSTRAINT "loyalty_credit_postings_amount" CHECK ("loyalty_credit_postings"."amount" <> 0)
);
--> statement-breakpoint
CREATE TABLE "loyalty_badges" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"program_id" uuid NOT NULL,
	"name" jsonb NOT NULL,
	"icon" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_badges_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "loyalty_challenges" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"program_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"name" jsonb NOT NULL,
	"topic" text NOT NULL,
	"filter" jsonb NOT NULL,
	"target" integer NOT NULL,
	"window" jsonb NOT NULL,
	"reward_points" integer DEFAULT 0 NOT NULL,
	"badge_id" uuid,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_challenges_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "loyalty_challenges_kind" CHECK ("loyalty_challenges"."kind" IN ('count', 'streak')),
	CONSTRAINT "loyalty_challenges_target" CHECK ("loyalty_challenges"."target" >= 1),
	CONSTRAINT "loyalty_challenges_reward" CHECK ("loyalty_challenges"."reward_points" >= 0 AND ("loyalty_challenges"."reward_points" > 0 OR "loyalty_challenges"."badge_id" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "loyalty_game_completions" (
	"tenant_id" uuid NOT NULL,
	"challenge_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"period_key" text NOT NULL,
	"completed_at" timestamp with time zone NOT NULL,
	"points" integer NOT NULL,
	"entry_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_game_completions_tenant_id_challenge_id_customer_id_period_key_pk" PRIMARY KEY("tenant_id","challenge_id","customer_id","period_key")
);
--> statement-breakpoint
CREATE TABLE "loyalty_game_events" (
	"tenant_id" uuid NOT NULL,
	"challenge_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"event_key" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"period_key" text NOT NULL,
	"period_index" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_game_events_tenant_id_challenge_id_customer_id_event_key_pk" PRIMARY KEY("tenant_id","challenge_id","customer_id","event_key")
);
--> statement-breakpoint
CREATE TABLE "loyalty_member_badges" (
	"tenant_id" uuid NOT NULL,
	"badge_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"challenge_id" uuid,
	"awarded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "loyalty_member_badges_tenant_id_badge_id_customer_id_pk" PRIMARY KEY("tenant_id","badge_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "loyalty_referral_codes" (
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"code" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_referral_codes_tenant_id_customer_id_pk" PRIMARY KEY("tenant_id","customer_id"),
	CONSTRAINT "loyalty_referral_codes_code_key" UNIQUE("tenant_id","code"),
	CONSTRAINT "loyalty_referral_codes_code" CHECK ("loyalty_referral_codes"."code" ~ '^[2-9A-HJ-NP-Z]{8}$')
);
--> statement-breakpoint
CREATE TABLE "loyalty_referrals" (
	"tenant_id" uuid NOT NULL,
	"friend_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"referrer_id" uuid NOT NULL,
	"code" text NOT NULL,
	"state" text DEFAULT 'attached' NOT NULL,
	"reason" text,
	"program_id" uuid,
	"order_external_id" text,
	"referrer_points" bigint DEFAULT 0 NOT NULL,
	"friend_points" bigint DEFAULT 0 NOT NULL,
	"attached_by" text NOT NULL,
	"attached_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	CONSTRAINT "loyalty_referrals_tenant_id_friend_id_pk" PRIMARY KEY("tenant_id","friend_id"),
	CONSTRAINT "loyalty_referrals_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "loyalty_referrals_state" CHECK ("loyalty_referrals"."state" IN ('attached', 'qualified', 'refused')),
	CONSTRAINT "loyalty_referrals_not_self" CHECK ("loyalty_referrals"."friend_id" <> "loyalty_referrals"."referrer_id"),
	CONSTRAINT "loyalty_referrals_points" CHECK ("loyalty_referrals"."referrer_points" >= 0 AND "loyalty_referrals"."friend_points" >= 0)
);
--> statement-breakpoint
ALTER TABLE "loyalty_credit_accounts" ADD CONSTRAINT "loyalty_credit_accounts_tenant_id_customer_id_currency_loyalty_credit_balances_tenant_id_customer_id_currency_fk" FOREIGN KEY ("tenant_id","customer_id","currency") REFERENCES "public"."loyalty_credit_balances"("tenant_id","customer_id","currency") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_credit_balances" ADD CONSTRAINT "loyalty_credit_balances_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_credit_entries" ADD CONSTRAINT "loyalty_credit_entries_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_credit_entries" ADD CONSTRAINT "loyalty_credit_entries_tenant_id_package_id_loyalty_credit_packages_tenant_id_id_fk" FOREIGN KEY ("tenant_id","package_id") REFERENCES "public"."loyalty_credit_packages"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_credit_packages" ADD CONSTRAINT "loyalty_credit_packages_tenant_id_program_id_loyalty_programs_tenant_id_id_fk" FOREIGN KEY ("tenant_id","program_id") REFERENCES "public"."loyalty_programs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_credit_postings" ADD CONSTRAINT "loyalty_credit_postings_tenant_id_entry_id_loyalty_credit_entries_tenant_id_id_fk" FOREIGN KEY ("tenant_id","entry_id") REFERENCES "public"."loyalty_credit_entries"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_badges" ADD CONSTRAINT "loyalty_badges_tenant_id_program_id_loyalty_programs_tenant_id_id_fk" FOREIGN KEY ("tenant_id","program_id") REFERENCES "public"."loyalty_programs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_challenges" ADD CONSTRAINT "loyalty_challenges_tenant_id_program_id_loyalty_programs_tenant_id_id_fk" FOREIGN KEY ("tenant_id","program_id") REFERENCES "public"."loyalty_programs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_challenges" ADD CONSTRAINT "loyalty_challenges_tenant_id_badge_id_loyalty_badges_tenant_id_id_fk" FOREIGN KEY ("tenant_id","badge_id") REFERENCES "public"."loyalty_badges"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_game_completions" ADD CONSTRAINT "loyalty_game_completions_tenant_id_challenge_id_loyalty_challenges_tenant_id_id_fk" FOREIGN KEY ("tenant_id","challenge_id") REFERENCES "public"."loyalty_challenges"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_game_completions" ADD CONSTRAINT "loyalty_game_completions_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_game_events" ADD CONSTRAINT "loyalty_game_events_tenant_id_challenge_id_loyalty_challenges_tenant_id_id_fk" FOREIGN KEY ("tenant_id","challenge_id") REFERENCES "public"."loyalty_challenges"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_game_events" ADD CONSTRAINT "loyalty_game_events_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_member_badges" ADD CONSTRAINT "loyalty_member_badges_tenant_id_badge_id_loyalty_badges_tenant_id_id_fk" FOREIGN KEY ("tenant_id","badge_id") REFERENCES "public"."loyalty_badges"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_member_badges" ADD CONSTRAINT "loyalty_member_badges_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_referral_codes" ADD CONSTRAINT "loyalty_referral_codes_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_referrals" ADD CONSTRAINT "loyalty_referrals_tenant_id_friend_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","friend_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_referrals" ADD CONSTRAINT "loyalty_referrals_tenant_id_referrer_id_loyalty_referral_codes_tenant_id_customer_id_fk" FOREIGN KEY ("tenant_id","referrer_id") REFERENCES "public"."loyalty_referral_codes"("tenant_id","customer_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_referrals" ADD CONSTRAINT "loyalty_referrals_tenant_id_program_id_loyalty_programs_tenant_id_id_fk" FOREIGN KEY ("tenant_id","program_id") REFERENCES "public"."loyalty_programs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_credit_accounts_system_key" ON "loyalty_credit_accounts" USING btree ("tenant_id","kind","currency") WHERE customer_id IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_credit_accounts_member_key" ON "loyalty_credit_accounts" USING btree ("tenant_id","customer_id","kind","currency") WHERE customer_id IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_credit_entries_idempotency_key" ON "loyalty_credit_entries" USING btree ("tenant_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "loyalty_credit_entries_member_idx" ON "loyalty_credit_entries" USING btree ("tenant_id","customer_id","id");--> statement-breakpoint
CREATE INDEX "loyalty_credit_postings_account_idx" ON "loyalty_credit_postings" USING btree ("tenant_id","account_id","entry_id");--> statement-breakpoint
CREATE INDEX "loyalty_challenges_topic_idx" ON "loyalty_challenges" USING btree ("tenant_id","topic") WHERE active;--> statement-breakpoint
CREATE INDEX "loyalty_game_completions_member_idx" ON "loyalty_game_completions" USING btree ("tenant_id","customer_id");--> statement-breakpoint
CREATE INDEX "loyalty_game_events_window_idx" ON "loyalty_game_events" USING btree ("tenant_id","challenge_id","customer_id","occurred_at");--> statement-breakpoint
CREATE INDEX "loyalty_member_badges_member_idx" ON "loyalty_member_badges" USING btree ("tenant_id","customer_id");--> statement-breakpoint
CREATE INDEX "loyalty_referrals_referrer_idx" ON "loyalty_referrals" USING btree ("tenant_id","referrer_id","decided_at");--> statement-breakpoint
CREATE INDEX "loyalty_referrals_attached_idx" ON "loyalty_referrals" USING btree ("tenant_id","attached_at");--> statement-breakpoint
-- Prepaid credit (credit.schema.ts): an entry's postings sum to zero in each currency and each
-- names an account of its workspace, checked at commit as the points ledger checks its entries.
CREATE FUNCTION loyalty_credit_check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  problem record;
BEGIN
  SELECT coalesce(a.currency, 'unknown account') AS currency, sum(p.amount) AS total INTO problem
  FROM loyalty_credit_postings p LEFT JOIN loyalty_credit_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
  WHERE p.tenant_id = NEW.tenant_id AND p.entry_id = NEW.entry_id
  GROUP BY a.currency
  HAVING sum(p.amount) <> 0 OR a.currency IS NULL
  LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'credit entry % does not balance: its % postings sum to %', NEW.entry_id, problem.currency, problem.total
      USING ERRCODE = 'check_violation', CONSTRAINT = 'loyalty_credit_entry_balanced';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER loyalty_credit_entry_balanced AFTER INSERT ON loyalty_credit_postings
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION loyalty_credit_check_entry_balanced();
--> statement-breakpoint
CREATE FUNCTION loyalty_credit_check_entry_posted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM loyalty_credit_postings WHERE tenant_id = NEW.tenant_id AND entry_id = NEW.id) THEN
    RAISE EXCEPTION 'credit entry % has no postings', NEW.id USING ERRCODE = 'check_violation', CONSTRAINT = 'loyalty_credit_entry_posted';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER loyalty_credit_entry_posted AFTER INSERT ON loyalty_credit_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION loyalty_credit_check_entry_posted();
--> statement-breakpoint
CREATE TRIGGER loyalty_credit_accounts_append_only BEFORE UPDATE OR DELETE ON loyalty_credit_accounts FOR EACH ROW EXECUTE FUNCTION loyalty_refuse_change();
--> statement-breakpoint
CREATE TRIGGER loyalty_credit_entries_append_only BEFORE UPDATE OR DELETE ON loyalty_credit_entries FOR EACH ROW EXECUTE FUNCTION loyalty_refuse_change();
--> statement-breakpoint
CREATE TRIGGER loyalty_credit_postings_append_only BEFORE UPDATE OR DELETE ON loyalty_credit_postings FOR EACH ROW EXECUTE FUNCTION loyalty_refuse_change();
--> statement-breakpoint
CREATE TRIGGER loyalty_credit_accounts_no_truncate BEFORE TRUNCATE ON loyalty_credit_accounts FOR EACH STATEMENT EXECUTE FUNCTION loyalty_refuse_change();
--> statement-breakpoint
CREATE TRIGGER loyalty_credit_entries_no_truncate BEFORE TRUNCATE ON loyalty_credit_entries FOR EACH STATEMENT EXECUTE FUNCTION loyalty_refuse_change();
--> statement-breakpoint
CREATE TRIGGER loyalty_credit_postings_no_truncate BEFORE TRUNCATE ON loyalty_credit_postings FOR EACH STATEMENT EXECUTE FUNCTION loyalty_refuse_change();
--> statement-breakpoint
CREATE TRIGGER loyalty_credit_balances_no_truncate BEFORE TRUNCATE ON loyalty_credit_balances FOR EACH STATEMENT EXECUTE FUNCTION loyalty_refuse_change();
