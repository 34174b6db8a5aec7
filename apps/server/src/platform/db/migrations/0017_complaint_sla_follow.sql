-- The SLA index row follows its case whatever path changed it: a new case gets one due now, and a
-- change of state, team, assignee, category or severity (or a reply in the log) copies what the
-- queue filters on and marks it due, so the next scan recomputes it. The service also recomputes
-- in the change's own transaction; this is the backstop for paths that do not.
CREATE FUNCTION complaint_case_sla_follow_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO complaint_case_sla (tenant_id, case_id, team, assignee_id, case_state, sla_state, urgency, due_at, next_change_at, computed_at)
    VALUES (NEW.tenant_id, NEW.id, NEW.team, NEW.assignee_id, NEW.state, 'none', 4, 'infinity', now(), now())
    ON CONFLICT (tenant_id, case_id) DO NOTHING;
  ELSIF NEW.state IS DISTINCT FROM OLD.state OR NEW.team IS DISTINCT FROM OLD.team OR NEW.assignee_id IS DISTINCT FROM OLD.assignee_id
        OR NEW.category IS DISTINCT FROM OLD.category OR NEW.severity IS DISTINCT FROM OLD.severity THEN
    UPDATE complaint_case_sla SET team = NEW.team, assignee_id = NEW.assignee_id, case_state = NEW.state, next_change_at = now()
    WHERE tenant_id = NEW.tenant_id AND case_id = NEW.id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER complaint_case_sla_follow_case AFTER INSERT OR UPDATE ON complaint_cases
  FOR EACH ROW EXECUTE FUNCTION complaint_case_sla_follow_case();
--> statement-breakpoint
CREATE FUNCTION complaint_case_sla_follow_reply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE complaint_case_sla SET next_change_at = now() WHERE tenant_id = NEW.tenant_id AND case_id = NEW.case_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER complaint_case_sla_follow_reply AFTER INSERT ON complaint_case_events
  FOR EACH ROW WHEN (NEW.kind = 'response') EXECUTE FUNCTION complaint_case_sla_follow_reply();
