-- The ledger's two checks (0038) looked their rows up through plans PL/pgSQL caches per session,
-- made from whatever statistics the tables had when the session first ran them. On a ledger that
-- grew after its last ANALYZE they went wrong and stayed wrong for the connection's life:
--
-- - the sealed-entry check (after each INSERT into loyalty_postings) joined the new postings
--   (a transition table the planner guesses at 200 rows) to loyalty_entries and chose a hash join
--   over a sequential scan of loyalty_entries, calling loyalty_written_by_this_transaction() on
--   every entry of the ledger: 150-280 ms per statement at 5,000 entries, in every redemption
--   and earn that ran on such a connection;
-- - the zero-sum check at commit joined an entry's postings to loyalty_accounts on a generic plan
--   that scanned all the workspace's accounts once per posting (up to 525 ms at 5,600 accounts).
--
-- Both now look each row up by its full primary key, one entry or posting at a time, so the only
-- work is proportional to what the statement wrote, and they plan each lookup afresh
-- (force_custom_plan: a plan for a 1-page table is not kept once the table has grown). What they
-- check is unchanged.
CREATE OR REPLACE FUNCTION loyalty_check_postings_entry() RETURNS trigger LANGUAGE plpgsql
SET plan_cache_mode = force_custom_plan AS $$
DECLARE
  n record;
  entry_xmin xid;
BEGIN
  FOR n IN SELECT DISTINCT tenant_id, entry_id FROM new_postings LOOP
    SELECT e.xmin INTO entry_xmin FROM loyalty_entries e WHERE e.tenant_id = n.tenant_id AND e.id = n.entry_id;
    IF FOUND AND NOT loyalty_written_by_this_transaction(entry_xmin) THEN
      RAISE EXCEPTION 'loyalty entry % was committed earlier: postings cannot be added to it; correct the ledger with a reversing entry', n.entry_id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'loyalty_entry_sealed';
    END IF;
  END LOOP;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION loyalty_check_entry() RETURNS trigger LANGUAGE plpgsql
SET plan_cache_mode = force_custom_plan AS $$
DECLARE
  units int := 0;
  u record;
BEGIN
  FOR u IN
    SELECT p.unit, sum(p.amount) AS total
    FROM (
      SELECT p.amount, (SELECT a.unit FROM loyalty_accounts a WHERE a.tenant_id = p.tenant_id AND a.id = p.account_id) AS unit
      FROM loyalty_postings p
      WHERE p.tenant_id = NEW.tenant_id AND p.entry_id = NEW.id
    ) p
    GROUP BY p.unit
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
