CREATE TABLE "loyalty_credit_bonus_draws" (
	"tenant_id" uuid NOT NULL,
	"entry_id" bigint NOT NULL,
	"lot_id" bigint NOT NULL,
	"amount" bigint NOT NULL,
	CONSTRAINT "loyalty_credit_bonus_draws_tenant_id_entry_id_lot_id_pk" PRIMARY KEY("tenant_id","entry_id","lot_id"),
	CONSTRAINT "loyalty_credit_bonus_draws_amount" CHECK ("loyalty_credit_bonus_draws"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "loyalty_credit_bonus_lots" (
	"tenant_id" uuid NOT NULL,
	"id" bigserial NOT NULL,
	"customer_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"entry_id" bigint,
	"amount" bigint NOT NULL,
	"remaining" bigint NOT NULL,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_credit_bonus_lots_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "loyalty_credit_bonus_lots_remaining" CHECK ("loyalty_credit_bonus_lots"."amount" > 0 AND "loyalty_credit_bonus_lots"."remaining" >= 0 AND "loyalty_credit_bonus_lots"."remaining" <= "loyalty_credit_bonus_lots"."amount")
);
--> statement-breakpoint
ALTER TABLE "loyalty_credit_accounts" DROP CONSTRAINT "loyalty_credit_accounts_kind";--> statement-breakpoint
ALTER TABLE "loyalty_credit_entries" DROP CONSTRAINT "loyalty_credit_entries_kind";--> statement-breakpoint
ALTER TABLE "loyalty_credit_packages" ADD COLUMN "bonus_expiry_days" integer;--> statement-breakpoint
ALTER TABLE "loyalty_credit_bonus_draws" ADD CONSTRAINT "loyalty_credit_bonus_draws_tenant_id_entry_id_loyalty_credit_entries_tenant_id_id_fk" FOREIGN KEY ("tenant_id","entry_id") REFERENCES "public"."loyalty_credit_entries"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_credit_bonus_draws" ADD CONSTRAINT "loyalty_credit_bonus_draws_tenant_id_lot_id_loyalty_credit_bonus_lots_tenant_id_id_fk" FOREIGN KEY ("tenant_id","lot_id") REFERENCES "public"."loyalty_credit_bonus_lots"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_credit_bonus_lots" ADD CONSTRAINT "loyalty_credit_bonus_lots_tenant_id_customer_id_currency_loyalty_credit_balances_tenant_id_customer_id_currency_fk" FOREIGN KEY ("tenant_id","customer_id","currency") REFERENCES "public"."loyalty_credit_balances"("tenant_id","customer_id","currency") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_credit_bonus_lots" ADD CONSTRAINT "loyalty_credit_bonus_lots_tenant_id_entry_id_loyalty_credit_entries_tenant_id_id_fk" FOREIGN KEY ("tenant_id","entry_id") REFERENCES "public"."loyalty_credit_entries"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "loyalty_credit_bonus_draws_lot_idx" ON "loyalty_credit_bonus_draws" USING btree ("tenant_id","lot_id");--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_credit_bonus_lots_entry_key" ON "loyalty_credit_bonus_lots" USING btree ("tenant_id","entry_id") WHERE entry_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "loyalty_credit_bonus_lots_open_idx" ON "loyalty_credit_bonus_lots" USING btree ("tenant_id","customer_id","currency","expires_at","id") WHERE remaining > 0;--> statement-breakpoint
CREATE INDEX "loyalty_credit_bonus_lots_expiry_idx" ON "loyalty_credit_bonus_lots" USING btree ("tenant_id","expires_at") WHERE remaining > 0 AND expires_at IS NOT NULL;--> statement-breakpoint
ALTER TABLE "loyalty_credit_accounts" ADD CONSTRAINT "loyalty_credit_accounts_kind" CHECK ("loyalty_credit_accounts"."kind" IN ('funding', 'bonus_issuance', 'spent_paid', 'spent_bonus', 'bonus_expired', 'paid', 'bonus'));--> statement-breakpoint
ALTER TABLE "loyalty_credit_entries" ADD CONSTRAINT "loyalty_credit_entries_kind" CHECK ("loyalty_credit_entries"."kind" IN ('purchase', 'spend', 'refund', 'expire'));--> statement-breakpoint
ALTER TABLE "loyalty_credit_packages" ADD CONSTRAINT "loyalty_credit_packages_bonus_expiry" CHECK ("loyalty_credit_packages"."bonus_expiry_days" IS NULL OR "loyalty_credit_packages"."bonus_expiry_days" BETWEEN 1 AND 3650);--> statement-breakpoint
-- Bonus lots (credit.schema.ts): only `remaining` ever changes; draws are insert only, as the
-- points ledger's lots and draws.
CREATE FUNCTION loyalty_credit_bonus_lots_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE'
     OR (NEW.tenant_id, NEW.id, NEW.customer_id, NEW.currency, NEW.entry_id, NEW.amount, NEW.expires_at, NEW.created_at)
        IS DISTINCT FROM (OLD.tenant_id, OLD.id, OLD.customer_id, OLD.currency, OLD.entry_id, OLD.amount, OLD.expires_at, OLD.created_at) THEN
    RAISE EXCEPTION 'loyalty_credit_bonus_lots: only remaining may change (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER loyalty_credit_bonus_lots_guard BEFORE UPDATE OR DELETE ON loyalty_credit_bonus_lots FOR EACH ROW EXECUTE FUNCTION loyalty_credit_bonus_lots_guard();
--> statement-breakpoint
CREATE TRIGGER loyalty_credit_bonus_lots_no_truncate BEFORE TRUNCATE ON loyalty_credit_bonus_lots FOR EACH STATEMENT EXECUTE FUNCTION loyalty_refuse_change();
--> statement-breakpoint
CREATE TRIGGER loyalty_credit_bonus_draws_append_only BEFORE UPDATE OR DELETE ON loyalty_credit_bonus_draws FOR EACH ROW EXECUTE FUNCTION loyalty_refuse_change();
--> statement-breakpoint
CREATE TRIGGER loyalty_credit_bonus_draws_no_truncate BEFORE TRUNCATE ON loyalty_credit_bonus_draws FOR EACH STATEMENT EXECUTE FUNCTION loyalty_refuse_change();
--> statement-breakpoint
-- Every workspace currency with credit gets the account expired bonus goes to (new ones get it
-- with their other system accounts on first use).
INSERT INTO loyalty_credit_accounts (tenant_id, kind, currency, customer_id)
SELECT DISTINCT tenant_id, 'bonus_expired', currency, NULL::uuid FROM loyalty_credit_accounts WHERE customer_id IS NULL
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Backfill: the bonus a member holds from before lots becomes one lot that never expires (no
-- purchase's lot: what they bought it with is pooled). Its sum is the cached bonus, as after.
INSERT INTO loyalty_credit_bonus_lots (tenant_id, customer_id, currency, entry_id, amount, remaining, expires_at, created_at)
SELECT tenant_id, customer_id, currency, NULL, bonus, bonus, NULL, updated_at FROM loyalty_credit_balances WHERE bonus > 0;
