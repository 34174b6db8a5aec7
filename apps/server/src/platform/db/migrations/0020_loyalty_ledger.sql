CREATE TABLE "loyalty_accounts" (
	"tenant_id" uuid NOT NULL,
	"id" bigserial NOT NULL,
	"kind" text NOT NULL,
	"customer_id" uuid,
	"unit" text GENERATED ALWAYS AS (CASE WHEN kind IN ('qualifying', 'qualifying_issuance') THEN 'qualifying' ELSE 'points' END) STORED NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_accounts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "loyalty_accounts_kind" CHECK ("loyalty_accounts"."kind" IN ('issuance', 'redemptions', 'breakage', 'charity_payable', 'partner_payable', 'qualifying_issuance', 'pending', 'available', 'qualifying')),
	CONSTRAINT "loyalty_accounts_holder" CHECK (("loyalty_accounts"."customer_id" IS NOT NULL) = ("loyalty_accounts"."kind" IN ('pending', 'available', 'qualifying')))
);
--> statement-breakpoint
CREATE TABLE "loyalty_draws" (
	"tenant_id" uuid NOT NULL,
	"entry_id" bigint NOT NULL,
	"lot_id" bigint NOT NULL,
	"amount" bigint NOT NULL,
	CONSTRAINT "loyalty_draws_tenant_id_entry_id_lot_id_pk" PRIMARY KEY("tenant_id","entry_id","lot_id"),
	CONSTRAINT "loyalty_draws_amount" CHECK ("loyalty_draws"."amount" <> 0)
);
--> statement-breakpoint
CREATE TABLE "loyalty_entries" (
	"tenant_id" uuid NOT NULL,
	"id" bigserial NOT NULL,
	"kind" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"customer_id" uuid,
	"external_id" text,
	"reason" text,
	"source" text NOT NULL,
	"reverses_entry_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_entries_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "loyalty_entries_kind" CHECK ("loyalty_entries"."kind" IN ('earn', 'unlock', 'redeem', 'expire', 'reversal', 'adjust')),
	CONSTRAINT "loyalty_entries_reversal" CHECK (("loyalty_entries"."kind" = 'reversal') = ("loyalty_entries"."reverses_entry_id" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "loyalty_lots" (
	"tenant_id" uuid NOT NULL,
	"id" bigserial NOT NULL,
	"customer_id" uuid NOT NULL,
	"entry_id" bigint NOT NULL,
	"amount" bigint NOT NULL,
	"remaining" bigint NOT NULL,
	"expires_at" timestamp with time zone,
	"pending_until" timestamp with time zone,
	"unlocked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_lots_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "loyalty_lots_remaining" CHECK ("loyalty_lots"."amount" > 0 AND "loyalty_lots"."remaining" >= 0 AND "loyalty_lots"."remaining" <= "loyalty_lots"."amount"),
	CONSTRAINT "loyalty_lots_pending" CHECK (("loyalty_lots"."unlocked_at" IS NULL OR "loyalty_lots"."pending_until" IS NOT NULL) AND ("loyalty_lots"."pending_until" IS NULL OR "loyalty_lots"."expires_at" IS NULL OR "loyalty_lots"."expires_at" > "loyalty_lots"."pending_until"))
);
--> statement-breakpoint
CREATE TABLE "loyalty_members" (
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"available" bigint DEFAULT 0 NOT NULL,
	"pending" bigint DEFAULT 0 NOT NULL,
	"qualifying" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_members_tenant_id_customer_id_pk" PRIMARY KEY("tenant_id","customer_id"),
	CONSTRAINT "loyalty_members_not_negative" CHECK ("loyalty_members"."available" >= 0 AND "loyalty_members"."pending" >= 0 AND "loyalty_members"."qualifying" >= 0)
);
--> statement-breakpoint
CREATE TABLE "loyalty_postings" (
	"tenant_id" uuid NOT NULL,
	"entry_id" bigint NOT NULL,
	"account_id" bigint NOT NULL,
	"amount" bigint NOT NULL,
	CONSTRAINT "loyalty_postings_tenant_id_entry_id_account_id_pk" PRIMARY KEY("tenant_id","entry_id","account_id"),
	CONSTRAINT "loyalty_postings_amount" CHECK ("loyalty_postings"."amount" <> 0)
);
--> statement-breakpoint
ALTER TABLE "loyalty_accounts" ADD CONSTRAINT "loyalty_accounts_tenant_id_customer_id_loyalty_members_tenant_id_customer_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."loyalty_members"("tenant_id","customer_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_draws" ADD CONSTRAINT "loyalty_draws_tenant_id_entry_id_loyalty_entries_tenant_id_id_fk" FOREIGN KEY ("tenant_id","entry_id") REFERENCES "public"."loyalty_entries"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_draws" ADD CONSTRAINT "loyalty_draws_tenant_id_lot_id_loyalty_lots_tenant_id_id_fk" FOREIGN KEY ("tenant_id","lot_id") REFERENCES "public"."loyalty_lots"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_entries" ADD CONSTRAINT "loyalty_entries_tenant_id_customer_id_loyalty_members_tenant_id_customer_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."loyalty_members"("tenant_id","customer_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_entries" ADD CONSTRAINT "loyalty_entries_tenant_id_reverses_entry_id_loyalty_entries_tenant_id_id_fk" FOREIGN KEY ("tenant_id","reverses_entry_id") REFERENCES "public"."loyalty_entries"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_lots" ADD CONSTRAINT "loyalty_lots_tenant_id_customer_id_loyalty_members_tenant_id_customer_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."loyalty_members"("tenant_id","customer_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_lots" ADD CONSTRAINT "loyalty_lots_tenant_id_entry_id_loyalty_entries_tenant_id_id_fk" FOREIGN KEY ("tenant_id","entry_id") REFERENCES "public"."loyalty_entries"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_members" ADD CONSTRAINT "loyalty_members_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_postings" ADD CONSTRAINT "loyalty_postings_tenant_id_entry_id_loyalty_entries_tenant_id_id_fk" FOREIGN KEY ("tenant_id","entry_id") REFERENCES "public"."loyalty_entries"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_accounts_system_key" ON "loyalty_accounts" USING btree ("tenant_id","kind") WHERE customer_id IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_accounts_member_key" ON "loyalty_accounts" USING btree ("tenant_id","customer_id","kind") WHERE customer_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "loyalty_draws_lot_idx" ON "loyalty_draws" USING btree ("tenant_id","lot_id");--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_entries_idempotency_key" ON "loyalty_entries" USING btree ("tenant_id","idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_entries_reversal_key" ON "loyalty_entries" USING btree ("tenant_id","reverses_entry_id") WHERE reverses_entry_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "loyalty_entries_member_idx" ON "loyalty_entries" USING btree ("tenant_id","customer_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_lots_entry_key" ON "loyalty_lots" USING btree ("tenant_id","entry_id");--> statement-breakpoint
CREATE INDEX "loyalty_lots_open_idx" ON "loyalty_lots" USING btree ("tenant_id","customer_id","expires_at","id") WHERE remaining > 0;--> statement-breakpoint
CREATE INDEX "loyalty_lots_expiry_idx" ON "loyalty_lots" USING btree ("tenant_id","expires_at") WHERE remaining > 0 AND expires_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "loyalty_lots_unlock_idx" ON "loyalty_lots" USING btree ("tenant_id","pending_until") WHERE remaining > 0 AND pending_until IS NOT NULL AND unlocked_at IS NULL;--> statement-breakpoint
CREATE INDEX "loyalty_postings_account_idx" ON "loyalty_postings" USING btree ("tenant_id","account_id","entry_id");--> statement-breakpoint
-- An entry's postings sum to zero in each unit (points, qualifying points) and each names an
-- account of its workspace. Checked when the transaction commits, for every entry that received
-- a posting in it: an entry is written over several statements, and its postings need no foreign
-- key to the account (which would lock the issuance account's row in every transaction).
CREATE FUNCTION loyalty_check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  problem record;
BEGIN
  SELECT coalesce(a.unit, 'unknown account') AS unit, sum(p.amount) AS total INTO problem
  FROM loyalty_postings p LEFT JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
  WHERE p.tenant_id = NEW.tenant_id AND p.entry_id = NEW.entry_id
  GROUP BY a.unit
  HAVING sum(p.amount) <> 0 OR a.unit IS NULL
  LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'loyalty entry % does not balance: its % postings sum to %', NEW.entry_id, problem.unit, problem.total
      USING ERRCODE = 'check_violation', CONSTRAINT = 'loyalty_entry_balanced';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER loyalty_entry_balanced AFTER INSERT ON loyalty_postings
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION loyalty_check_entry_balanced();
--> statement-breakpoint
-- Every entry moves something: an entry without postings is refused at commit.
CREATE FUNCTION loyalty_check_entry_posted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM loyalty_postings WHERE tenant_id = NEW.tenant_id AND entry_id = NEW.id) THEN
    RAISE EXCEPTION 'loyalty entry % has no postings', NEW.id USING ERRCODE = 'check_violation', CONSTRAINT = 'loyalty_entry_posted';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER loyalty_entry_posted AFTER INSERT ON loyalty_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION loyalty_check_entry_posted();
--> statement-breakpoint
-- The journal is append-only: accounts, entries, postings and draws are never updated or deleted
-- (a correction is a reversing entry).
CREATE FUNCTION loyalty_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused; correct the ledger with a reversing entry', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation';
END $$;
--> statement-breakpoint
CREATE TRIGGER loyalty_accounts_append_only BEFORE UPDATE OR DELETE ON loyalty_accounts FOR EACH ROW EXECUTE FUNCTION loyalty_refuse_change();
--> statement-breakpoint
CREATE TRIGGER loyalty_entries_append_only BEFORE UPDATE OR DELETE ON loyalty_entries FOR EACH ROW EXECUTE FUNCTION loyalty_refuse_change();
--> statement-breakpoint
CREATE TRIGGER loyalty_postings_append_only BEFORE UPDATE OR DELETE ON loyalty_postings FOR EACH ROW EXECUTE FUNCTION loyalty_refuse_change();
--> statement-breakpoint
CREATE TRIGGER loyalty_draws_append_only BEFORE UPDATE OR DELETE ON loyalty_draws FOR EACH ROW EXECUTE FUNCTION loyalty_refuse_change();
--> statement-breakpoint
CREATE TRIGGER loyalty_accounts_no_truncate BEFORE TRUNCATE ON loyalty_accounts FOR EACH STATEMENT EXECUTE FUNCTION loyalty_refuse_change();
--> statement-breakpoint
CREATE TRIGGER loyalty_entries_no_truncate BEFORE TRUNCATE ON loyalty_entries FOR EACH STATEMENT EXECUTE FUNCTION loyalty_refuse_change();
--> statement-breakpoint
CREATE TRIGGER loyalty_postings_no_truncate BEFORE TRUNCATE ON loyalty_postings FOR EACH STATEMENT EXECUTE FUNCTION loyalty_refuse_change();
--> statement-breakpoint
CREATE TRIGGER loyalty_draws_no_truncate BEFORE TRUNCATE ON loyalty_draws FOR EACH STATEMENT EXECUTE FUNCTION loyalty_refuse_change();
--> statement-breakpoint
CREATE TRIGGER loyalty_lots_no_truncate BEFORE TRUNCATE ON loyalty_lots FOR EACH STATEMENT EXECUTE FUNCTION loyalty_refuse_change();
--> statement-breakpoint
CREATE TRIGGER loyalty_members_no_truncate BEFORE TRUNCATE ON loyalty_members FOR EACH STATEMENT EXECUTE FUNCTION loyalty_refuse_change();
--> statement-breakpoint
-- A lot is never deleted; of its columns only `remaining` changes (with the draw that explains it)
-- and `unlocked_at` is set once, when its pending period ends.
CREATE FUNCTION loyalty_lots_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE'
     OR (NEW.tenant_id, NEW.id, NEW.customer_id, NEW.entry_id, NEW.amount, NEW.expires_at, NEW.pending_until, NEW.created_at)
        IS DISTINCT FROM (OLD.tenant_id, OLD.id, OLD.customer_id, OLD.entry_id, OLD.amount, OLD.expires_at, OLD.pending_until, OLD.created_at)
     OR (OLD.unlocked_at IS NOT NULL AND NEW.unlocked_at IS DISTINCT FROM OLD.unlocked_at) THEN
    RAISE EXCEPTION 'loyalty_lots: only remaining and a first unlocked_at may change (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER loyalty_lots_guard BEFORE UPDATE OR DELETE ON loyalty_lots FOR EACH ROW EXECUTE FUNCTION loyalty_lots_guard();
