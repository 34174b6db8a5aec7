-- The ledger's balance check once per journal entry instead of once per posting (a batch of 50
-- purchases wrote 200 postings and ran the check 200 times at commit). Two parts:
--
-- 1. When postings are inserted (once per statement, over the statement's new rows): each names
--    an entry written by this transaction. Postings can never be added to an entry committed
--    earlier (before, only an unbalanced addition was refused, at commit).
-- 2. When the transaction commits, once per entry it wrote (deferred, on loyalty_entries): the
--    entry has postings, each names an account of its workspace, and they sum to zero in each
--    unit. An entry's postings may still be written over several statements and savepoints;
--    by 1, every posting of the transaction belongs to an entry this check runs for.
--
-- "Written by this transaction": the entry row's xmin is this transaction's id or one of its
-- subtransactions' (a savepoint's), which pg_xact_status reports as in progress. Rows of other
-- transactions are only visible once committed; pg_xact_status wants a full (epoch-qualified)
-- id, built from the 32-bit xmin by its distance to this transaction's own full id.
CREATE FUNCTION loyalty_written_by_this_transaction(row_xmin xid) RETURNS boolean LANGUAGE sql VOLATILE AS $$
  SELECT coalesce(pg_xact_status((c.full_id + CASE
      WHEN d > 2147483647 THEN d - 4294967296
      WHEN d < -2147483648 THEN d + 4294967296
      ELSE d END)::text::xid8) = 'in progress', false)
  FROM (SELECT pg_current_xact_id()::text::bigint AS full_id) c
  CROSS JOIN LATERAL (SELECT row_xmin::text::bigint - (c.full_id & 4294967295) AS d) x
$$;
--> statement-breakpoint
CREATE FUNCTION loyalty_check_postings_entry() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sealed bigint;
BEGIN
  SELECT e.id INTO sealed
  FROM (SELECT DISTINCT tenant_id, entry_id FROM new_postings) n
  JOIN loyalty_entries e ON e.tenant_id = n.tenant_id AND e.id = n.entry_id
  WHERE NOT loyalty_written_by_this_transaction(e.xmin)
  LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'loyalty entry % was committed earlier: postings cannot be added to it; correct the ledger with a reversing entry', sealed
      USING ERRCODE = 'check_violation', CONSTRAINT = 'loyalty_entry_sealed';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER loyalty_postings_entry_open AFTER INSERT ON loyalty_postings
  REFERENCING NEW TABLE AS new_postings FOR EACH STATEMENT EXECUTE FUNCTION loyalty_check_postings_entry();
--> statement-breakpoint
CREATE FUNCTION loyalty_check_entry() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  units int := 0;
  u record;
BEGIN
  FOR u IN
    SELECT a.unit, sum(p.amount) AS total
    FROM loyalty_postings p LEFT JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
    WHERE p.tenant_id = NEW.tenant_id AND p.entry_id = NEW.id
    GROUP BY a.unit
  LOOP
    units := units + 1;
    IF u.unit IS NULL OR u.total <> 0 THEN
      RAISE EXCEPTION 'loyalty entry % does not balance: its % postings sum to %', NEW.id, coalesce(u.unit, 'unknown account'), u.total
        USING ERRCODE = 'check_violation', CONSTRAINT = 'loyalty_entry_balanced';
    END IF;
  END LOOP;
  IF units = 0 THEN
    RAISE EXCEPTION 'loyalty entry % has no postings', NEW.id USING ERRCODE = 'check_violation', CONSTRAINT = 'loyalty_entry_posted';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
DROP TRIGGER loyalty_entry_balanced ON loyalty_postings;
--> statement-breakpoint
DROP TRIGGER loyalty_entry_posted ON loyalty_entries;
--> statement-breakpoint
DROP FUNCTION loyalty_check_entry_balanced();
--> statement-breakpoint
DROP FUNCTION loyalty_check_entry_posted();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER loyalty_entry_balanced AFTER INSERT ON loyalty_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION loyalty_check_entry();
