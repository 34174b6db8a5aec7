CREATE TABLE "complaint_report_days" (
	"tenant_id" uuid NOT NULL,
	"summed_over" smallint NOT NULL,
	"team" text NOT NULL,
	"channel" text NOT NULL,
	"category" text NOT NULL,
	"day" date NOT NULL,
	"received" integer DEFAULT 0 NOT NULL,
	"acknowledged" integer DEFAULT 0 NOT NULL,
	"ack_minutes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"closed" integer DEFAULT 0 NOT NULL,
	"reopened" integer DEFAULT 0 NOT NULL,
	"resolve_minutes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"ack_sla_measured" integer DEFAULT 0 NOT NULL,
	"ack_sla_breached" integer DEFAULT 0 NOT NULL,
	"first_response_sla_measured" integer DEFAULT 0 NOT NULL,
	"first_response_sla_breached" integer DEFAULT 0 NOT NULL,
	"resolve_sla_measured" integer DEFAULT 0 NOT NULL,
	"resolve_sla_breached" integer DEFAULT 0 NOT NULL,
	"root_causes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "complaint_report_days_tenant_id_summed_over_team_channel_category_day_pk" PRIMARY KEY("tenant_id","summed_over","team","channel","category","day")
);
--> statement-breakpoint
CREATE TABLE "complaint_report_dirty_days" (
	"tenant_id" uuid NOT NULL,
	"day" date NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "complaint_report_dirty_days_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	CONSTRAINT "complaint_report_dirty_days_tenant_id_day_id_pk" PRIMARY KEY("tenant_id","day","id")
);
--> statement-breakpoint
CREATE TABLE "complaint_report_rollup_state" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"time_zone" text NOT NULL,
	"folded_until" date,
	"mark_before" timestamp with time zone NOT NULL,
	"advance_to" date,
	"advance_after_xid" bigint,
	"folded_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "complaint_report_days_day_idx" ON "complaint_report_days" USING btree ("tenant_id","day");--> statement-breakpoint
-- The rollups' dirty days (complaint-report-rollup.ts). A change marks the local day of every
-- instant whose figures it moves, before and after, when that instant is before the workspace's
-- mark_before; later instants are on days the reports read from the facts, folded later. No state
-- row: nothing folded yet, nothing to mark. Marks are only ever appended, so concurrent changes
-- never wait on each other here.
CREATE FUNCTION complaint_report_mark_days(p_tenant uuid, p_instants timestamptz[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  st record;
BEGIN
  SELECT time_zone, mark_before INTO st FROM complaint_report_rollup_state WHERE tenant_id = p_tenant;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  INSERT INTO complaint_report_dirty_days (tenant_id, day)
  SELECT DISTINCT p_tenant, (i AT TIME ZONE st.time_zone)::date FROM unnest(p_instants) AS i WHERE i < st.mark_before;
END $$;
--> statement-breakpoint
-- A case's facts: receipt, team, channel or category move every figure of the case; the first
-- acknowledgement moves its own; the first closure, a first reopening or the root cause move the
-- figures of the day first closed.
CREATE FUNCTION complaint_report_follow_facts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  instants timestamptz[] := '{}';
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM complaint_report_mark_days(NEW.tenant_id, ARRAY[NEW.received_at, NEW.acknowledged_at, NEW.first_closed_at]);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM complaint_report_mark_days(OLD.tenant_id, ARRAY[OLD.received_at, OLD.acknowledged_at, OLD.first_closed_at]);
  ELSIF (OLD.received_at, OLD.team, OLD.channel, OLD.category) IS DISTINCT FROM (NEW.received_at, NEW.team, NEW.channel, NEW.category) THEN
    PERFORM complaint_report_mark_days(NEW.tenant_id, ARRAY[OLD.received_at, OLD.acknowledged_at, OLD.first_closed_at, NEW.received_at, NEW.acknowledged_at, NEW.first_closed_at]);
  ELSE
    IF OLD.acknowledged_at IS DISTINCT FROM NEW.acknowledged_at THEN
      instants := instants || ARRAY[OLD.acknowledged_at, NEW.acknowledged_at];
    END IF;
    IF OLD.first_closed_at IS DISTINCT FROM NEW.first_closed_at OR (OLD.reopened_at IS NULL) <> (NEW.reopened_at IS NULL) OR OLD.root_cause IS DISTINCT FROM NEW.root_cause THEN
      instants := instants || ARRAY[OLD.first_closed_at, NEW.first_closed_at];
    END IF;
    PERFORM complaint_report_mark_days(NEW.tenant_id, instants);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER complaint_report_follow_facts AFTER INSERT OR DELETE ON complaint_case_facts
  FOR EACH ROW EXECUTE FUNCTION complaint_report_follow_facts();
--> statement-breakpoint
CREATE TRIGGER complaint_report_follow_facts_update AFTER UPDATE ON complaint_case_facts
  FOR EACH ROW WHEN ((OLD.received_at, OLD.team, OLD.channel, OLD.category, OLD.acknowledged_at, OLD.first_closed_at, OLD.reopened_at IS NULL, OLD.root_cause)
                     IS DISTINCT FROM (NEW.received_at, NEW.team, NEW.channel, NEW.category, NEW.acknowledged_at, NEW.first_closed_at, NEW.reopened_at IS NULL, NEW.root_cause))
  EXECUTE FUNCTION complaint_report_follow_facts();
--> statement-breakpoint
-- A case's SLA row: its policy or a recorded breach moves the SLA figures of the day it was first
-- closed (an open case has none yet; its closure marks that day through the facts).
CREATE FUNCTION complaint_report_follow_sla() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  closed_at timestamptz;
  tenant uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END;
BEGIN
  SELECT first_closed_at INTO closed_at FROM complaint_case_facts
  WHERE tenant_id = tenant AND case_id = CASE WHEN TG_OP = 'DELETE' THEN OLD.case_id ELSE NEW.case_id END;
  IF closed_at IS NOT NULL THEN
    PERFORM complaint_report_mark_days(tenant, ARRAY[closed_at]);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER complaint_report_follow_sla_insert AFTER INSERT ON complaint_case_sla
  FOR EACH ROW WHEN (NEW.policy_id IS NOT NULL) EXECUTE FUNCTION complaint_report_follow_sla();
--> statement-breakpoint
CREATE TRIGGER complaint_report_follow_sla_update AFTER UPDATE ON complaint_case_sla
  FOR EACH ROW WHEN (OLD.policy_id IS DISTINCT FROM NEW.policy_id
                     OR ('breach:acknowledge' = ANY(OLD.published)) <> ('breach:acknowledge' = ANY(NEW.published))
                     OR ('breach:firstResponse' = ANY(OLD.published)) <> ('breach:firstResponse' = ANY(NEW.published))
                     OR ('breach:resolve' = ANY(OLD.published)) <> ('breach:resolve' = ANY(NEW.published)))
  EXECUTE FUNCTION complaint_report_follow_sla();
--> statement-breakpoint
CREATE TRIGGER complaint_report_follow_sla_delete AFTER DELETE ON complaint_case_sla
  FOR EACH ROW WHEN (OLD.policy_id IS NOT NULL) EXECUTE FUNCTION complaint_report_follow_sla();
--> statement-breakpoint
-- A policy that gains or loses a target, or goes: the cases it measured are measured differently,
-- on the days they were first closed. (A new policy has a fresh id no case points at yet.)
CREATE FUNCTION complaint_report_follow_policy() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  st record;
BEGIN
  SELECT time_zone, mark_before INTO st FROM complaint_report_rollup_state WHERE tenant_id = OLD.tenant_id;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  INSERT INTO complaint_report_dirty_days (tenant_id, day)
  SELECT DISTINCT OLD.tenant_id, (f.first_closed_at AT TIME ZONE st.time_zone)::date
  FROM complaint_case_sla s
  JOIN complaint_case_facts f ON f.tenant_id = s.tenant_id AND f.case_id = s.case_id
  WHERE s.tenant_id = OLD.tenant_id AND s.policy_id = OLD.id AND f.first_closed_at < st.mark_before;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER complaint_report_follow_policy_update AFTER UPDATE ON complaint_sla_policies
  FOR EACH ROW WHEN ((OLD.acknowledge_minutes IS NULL) <> (NEW.acknowledge_minutes IS NULL)
                     OR (OLD.first_response_minutes IS NULL) <> (NEW.first_response_minutes IS NULL)
                     OR (OLD.resolve_minutes IS NULL) <> (NEW.resolve_minutes IS NULL))
  EXECUTE FUNCTION complaint_report_follow_policy();
--> statement-breakpoint
CREATE TRIGGER complaint_report_follow_policy_delete AFTER DELETE ON complaint_sla_policies
  FOR EACH ROW EXECUTE FUNCTION complaint_report_follow_policy();
