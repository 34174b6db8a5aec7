CREATE TABLE "customer_contact_history" (
	"tenant_id" uuid NOT NULL,
	"id" bigserial NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"released_at" timestamp with time zone NOT NULL,
	CONSTRAINT "customer_contact_history_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "customer_contact_history" ADD CONSTRAINT "customer_contact_history_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_contact_history_customer_idx" ON "customer_contact_history" USING btree ("tenant_id","customer_id");--> statement-breakpoint
CREATE INDEX "customer_contact_history_value_idx" ON "customer_contact_history" USING btree ("tenant_id","kind","value","released_at");--> statement-breakpoint
-- A phone or e-mail a customer stops holding is kept, with when (customer-contact-history.ts): on any
-- change by any writer (the form, an import, a merge's survivor), and for a record merged away, at the
-- merge. Not on erasure (the same UPDATE sets erased_at), which deletes what is kept.
CREATE OR REPLACE FUNCTION customer_contact_history_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  merged_away boolean := OLD.merged_into IS NULL AND NEW.merged_into IS NOT NULL;
BEGIN
  IF OLD.phone IS NOT NULL AND (OLD.phone IS DISTINCT FROM NEW.phone OR merged_away) THEN
    INSERT INTO customer_contact_history (tenant_id, customer_id, kind, value, released_at)
    VALUES (NEW.tenant_id, NEW.id, 'phone', OLD.phone, now());
  END IF;
  IF OLD.email IS NOT NULL AND (lower(btrim(OLD.email)) IS DISTINCT FROM lower(btrim(NEW.email)) OR merged_away) THEN
    INSERT INTO customer_contact_history (tenant_id, customer_id, kind, value, released_at)
    VALUES (NEW.tenant_id, NEW.id, 'email', lower(btrim(OLD.email)), now());
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER customer_contact_history_follow AFTER UPDATE OF phone, email, merged_into ON customers
  FOR EACH ROW WHEN (NEW.erased_at IS NULL AND OLD.erased_at IS NULL
    -- an import sets every row's phone and e-mail, mostly to what they were: no call for those
    AND (OLD.phone IS DISTINCT FROM NEW.phone OR OLD.email IS DISTINCT FROM NEW.email OR OLD.merged_into IS DISTINCT FROM NEW.merged_into))
  EXECUTE FUNCTION customer_contact_history_follow();--> statement-breakpoint
-- What can be known of the past: a record merged away held its phone and e-mail until its merge (its
-- last update), for the record it ended in, through any chain of merges.
WITH RECURSIVE chain AS (
  SELECT c.tenant_id, c.id, c.merged_into AS root_id, 1 AS depth FROM customers c WHERE c.merged_into IS NOT NULL AND c.erased_at IS NULL
  UNION ALL
  SELECT ch.tenant_id, ch.id, p.merged_into, ch.depth + 1
  FROM chain ch JOIN customers p ON p.tenant_id = ch.tenant_id AND p.id = ch.root_id
  WHERE p.merged_into IS NOT NULL AND ch.depth < 50
), roots AS (
  SELECT DISTINCT ON (tenant_id, id) tenant_id, id, root_id FROM chain ORDER BY tenant_id, id, depth DESC
)
INSERT INTO customer_contact_history (tenant_id, customer_id, kind, value, released_at)
SELECT r.tenant_id, r.root_id, v.kind, v.value, c.updated_at
FROM roots r
JOIN customers c ON c.tenant_id = r.tenant_id AND c.id = r.id
JOIN customers root ON root.tenant_id = r.tenant_id AND root.id = r.root_id AND root.erased_at IS NULL
CROSS JOIN LATERAL (VALUES ('phone', c.phone), ('email', lower(btrim(c.email)))) AS v(kind, value)
WHERE v.value IS NOT NULL;--> statement-breakpoint
-- And a live customer held the addresses the workspace's own messages reached them at, until the last
-- such message (a lower bound of when they changed it; complaint notices are left out, as they go to
-- the contact typed on the case, which need not be the customer's).
INSERT INTO customer_contact_history (tenant_id, customer_id, kind, value, released_at)
SELECT m.tenant_id, m.customer_id, v.kind, v.value, max(m.created_at)
FROM messages m
JOIN customers c ON c.tenant_id = m.tenant_id AND c.id = m.customer_id AND c.merged_into IS NULL AND c.erased_at IS NULL
CROSS JOIN LATERAL (SELECT CASE m.channel WHEN 'sms' THEN 'phone' ELSE 'email' END AS kind,
                           CASE m.channel WHEN 'sms' THEN m.recipient ELSE lower(btrim(m.recipient)) END AS value) v
WHERE m.customer_id IS NOT NULL
  AND ((m.channel = 'sms' AND m.recipient ~ '^\+[0-9]{6,15}$' AND m.recipient IS DISTINCT FROM c.phone)
    OR (m.channel = 'email' AND m.recipient ~ '^[^\s<>@]+@[^\s<>@]+$' AND lower(btrim(m.recipient)) IS DISTINCT FROM lower(btrim(c.email))))
  AND NOT EXISTS (SELECT 1 FROM complaint_notices n WHERE n.tenant_id = m.tenant_id AND n.message_id = m.id)
  AND NOT EXISTS (SELECT 1 FROM complaint_case_messages cm WHERE cm.tenant_id = m.tenant_id AND cm.id = m.id)
GROUP BY m.tenant_id, m.customer_id, v.kind, v.value;
