-- complaint_case_facts follows the case log per statement instead of per log line: the lines a
-- statement wrote (a transition table) are folded per case, and each case's facts row is written
-- once. A public filing logs its receipt and its acknowledgement in one statement: one facts row
-- version (was an insert and a non-HOT update) and one plpgsql call per group of filings (was two
-- per filing). Same rules as before (migration 0016): the case's receipt, channel, category,
-- product and team as the case row says; first acknowledgement, first closure and first reopening
-- the earliest instant; the last closure the latest, and its root cause (the line's, else the
-- case's) that of the latest closure line, the last written among lines of one instant.
CREATE OR REPLACE FUNCTION complaint_case_facts_follow_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO complaint_case_facts AS f
    (tenant_id, case_id, received_at, channel, category, product, team, acknowledged_at, first_closed_at, last_closed_at, reopened_at, root_cause)
  SELECT l.tenant_id, l.case_id, c.received_at, c.channel, c.category, c.product, c.team,
         l.acknowledged_at, l.first_closed_at, l.last_closed_at, l.reopened_at,
         CASE WHEN l.last_closed_at IS NOT NULL THEN coalesce(l.root_cause, c.root_cause) END
  FROM (
    SELECT tenant_id, case_id,
           min(at) FILTER (WHERE to_state = 'acknowledged') AS acknowledged_at,
           min(at) FILTER (WHERE to_state = 'closed') AS first_closed_at,
           max(at) FILTER (WHERE to_state = 'closed') AS last_closed_at,
           min(at) FILTER (WHERE to_state = 'reopened') AS reopened_at,
           (array_agg(details->>'rootCause' ORDER BY at DESC, id DESC) FILTER (WHERE to_state = 'closed'))[1] AS root_cause
    FROM logged_lines
    WHERE kind IN ('transition', 'note')
    GROUP BY tenant_id, case_id
  ) AS l
  JOIN complaint_cases c ON c.tenant_id = l.tenant_id AND c.id = l.case_id
  ON CONFLICT (tenant_id, case_id) DO UPDATE SET
    received_at = EXCLUDED.received_at, channel = EXCLUDED.channel, category = EXCLUDED.category,
    product = EXCLUDED.product, team = EXCLUDED.team,
    acknowledged_at = least(f.acknowledged_at, EXCLUDED.acknowledged_at),
    first_closed_at = least(f.first_closed_at, EXCLUDED.first_closed_at),
    reopened_at = least(f.reopened_at, EXCLUDED.reopened_at),
    root_cause = CASE WHEN EXCLUDED.last_closed_at IS NOT NULL AND (f.last_closed_at IS NULL OR EXCLUDED.last_closed_at >= f.last_closed_at)
                      THEN EXCLUDED.root_cause ELSE f.root_cause END,
    last_closed_at = greatest(f.last_closed_at, EXCLUDED.last_closed_at);
  RETURN NULL;
END
$$;--> statement-breakpoint
DROP TRIGGER complaint_case_facts_follow_log ON complaint_case_events;--> statement-breakpoint
CREATE TRIGGER complaint_case_facts_follow_log AFTER INSERT ON complaint_case_events
  REFERENCING NEW TABLE AS logged_lines FOR EACH STATEMENT EXECUTE FUNCTION complaint_case_facts_follow_log();
--> statement-breakpoint
-- A new case's SLA index placeholder (migration 0017), likewise once per statement: a group of
-- filings is one insert of cases, and their placeholders one insert (whose rows the filing's
-- statement wrote already: it writes nothing). Changes of a case stay per row.
CREATE FUNCTION complaint_case_sla_follow_new_cases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO complaint_case_sla (tenant_id, case_id, team, assignee_id, case_state, sla_state, urgency, due_at, next_change_at, computed_at)
  SELECT tenant_id, id, team, assignee_id, state, 'none', 4, 'infinity', now(), now() FROM new_cases
  ON CONFLICT (tenant_id, case_id) DO NOTHING;
  RETURN NULL;
END $$;--> statement-breakpoint
DROP TRIGGER complaint_case_sla_follow_case ON complaint_cases;--> statement-breakpoint
CREATE TRIGGER complaint_case_sla_follow_case AFTER UPDATE ON complaint_cases
  FOR EACH ROW EXECUTE FUNCTION complaint_case_sla_follow_case();--> statement-breakpoint
CREATE TRIGGER complaint_case_sla_follow_new_cases AFTER INSERT ON complaint_cases
  REFERENCING NEW TABLE AS new_cases FOR EACH STATEMENT EXECUTE FUNCTION complaint_case_sla_follow_new_cases();
