CREATE TABLE "complaint_case_facts" (
	"tenant_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"category" text,
	"product" text,
	"team" text,
	"acknowledged_at" timestamp with time zone,
	"first_closed_at" timestamp with time zone,
	"last_closed_at" timestamp with time zone,
	"reopened_at" timestamp with time zone,
	"root_cause" text,
	CONSTRAINT "complaint_case_facts_tenant_id_case_id_pk" PRIMARY KEY("tenant_id","case_id")
);
--> statement-breakpoint
CREATE TABLE "complaint_insight_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"recurrence_enabled" boolean DEFAULT true NOT NULL,
	"recurrence_threshold" integer DEFAULT 5 NOT NULL,
	"recurrence_window_days" integer DEFAULT 7 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "complaint_preventive_action_cases" (
	"tenant_id" uuid NOT NULL,
	"action_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	CONSTRAINT "complaint_preventive_action_cases_tenant_id_action_id_case_id_pk" PRIMARY KEY("tenant_id","action_id","case_id")
);
--> statement-breakpoint
CREATE TABLE "complaint_preventive_actions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"owner_id" uuid NOT NULL,
	"due_date" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"root_cause" text,
	"category" text,
	"product" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "complaint_preventive_actions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "complaint_recurrence_alerts" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"category" text NOT NULL,
	"product" text,
	"product_key" text NOT NULL,
	"case_count" integer NOT NULL,
	"threshold" integer NOT NULL,
	"window_days" integer NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"preventive_action_id" uuid,
	"raised_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	CONSTRAINT "complaint_recurrence_alerts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "complaint_root_causes" (
	"tenant_id" uuid NOT NULL,
	"code" text NOT NULL,
	"parent_code" text,
	"dimension" text NOT NULL,
	"labels" jsonb NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "complaint_root_causes_tenant_id_code_pk" PRIMARY KEY("tenant_id","code")
);
--> statement-breakpoint
ALTER TABLE "complaint_case_facts" ADD CONSTRAINT "complaint_case_facts_tenant_id_case_id_complaint_cases_tenant_id_id_fk" FOREIGN KEY ("tenant_id","case_id") REFERENCES "public"."complaint_cases"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_preventive_action_cases" ADD CONSTRAINT "complaint_preventive_action_cases_tenant_id_action_id_complaint_preventive_actions_tenant_id_id_fk" FOREIGN KEY ("tenant_id","action_id") REFERENCES "public"."complaint_preventive_actions"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_preventive_action_cases" ADD CONSTRAINT "complaint_preventive_action_cases_tenant_id_case_id_complaint_cases_tenant_id_id_fk" FOREIGN KEY ("tenant_id","case_id") REFERENCES "public"."complaint_cases"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_preventive_actions" ADD CONSTRAINT "complaint_preventive_actions_tenant_id_root_cause_complaint_root_causes_tenant_id_code_fk" FOREIGN KEY ("tenant_id","root_cause") REFERENCES "public"."complaint_root_causes"("tenant_id","code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_recurrence_alerts" ADD CONSTRAINT "complaint_recurrence_alerts_tenant_id_preventive_action_id_complaint_preventive_actions_tenant_id_id_fk" FOREIGN KEY ("tenant_id","preventive_action_id") REFERENCES "public"."complaint_preventive_actions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_root_causes" ADD CONSTRAINT "complaint_root_causes_tenant_id_parent_code_complaint_root_causes_tenant_id_code_fk" FOREIGN KEY ("tenant_id","parent_code") REFERENCES "public"."complaint_root_causes"("tenant_id","code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "complaint_preventive_action_cases_case_idx" ON "complaint_preventive_action_cases" USING btree ("tenant_id","case_id");--> statement-breakpoint
CREATE INDEX "complaint_preventive_actions_due_idx" ON "complaint_preventive_actions" USING btree ("tenant_id","due_date","id");--> statement-breakpoint
CREATE INDEX "complaint_preventive_actions_status_idx" ON "complaint_preventive_actions" USING btree ("tenant_id","status","due_date","id");--> statement-breakpoint
CREATE INDEX "complaint_preventive_actions_owner_idx" ON "complaint_preventive_actions" USING btree ("tenant_id","owner_id","due_date","id");--> statement-breakpoint
CREATE INDEX "complaint_preventive_actions_pending_idx" ON "complaint_preventive_actions" USING btree ("tenant_id","due_date","id") WHERE status IN ('open', 'in_progress');--> statement-breakpoint
CREATE UNIQUE INDEX "complaint_recurrence_alerts_pair_window_key" ON "complaint_recurrence_alerts" USING btree ("tenant_id","category","product_key","window_end");--> statement-breakpoint
CREATE INDEX "complaint_recurrence_alerts_list_idx" ON "complaint_recurrence_alerts" USING btree ("tenant_id","raised_at","id");--> statement-breakpoint
CREATE INDEX "complaint_recurrence_alerts_action_idx" ON "complaint_recurrence_alerts" USING btree ("tenant_id","preventive_action_id") WHERE preventive_action_id IS NOT NULL;--> statement-breakpoint
-- The reports' covering indexes (drizzle has no INCLUDE): each period query is one index-only range scan.
CREATE INDEX "complaint_case_facts_received_idx" ON "complaint_case_facts" USING btree ("tenant_id","received_at") INCLUDE ("channel","category","product","team");--> statement-breakpoint
CREATE INDEX "complaint_case_facts_acknowledged_idx" ON "complaint_case_facts" USING btree ("tenant_id","acknowledged_at") INCLUDE ("received_at","channel","category","team") WHERE acknowledged_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "complaint_case_facts_closed_idx" ON "complaint_case_facts" USING btree ("tenant_id","first_closed_at") INCLUDE ("received_at","channel","category","team","reopened_at","root_cause") WHERE first_closed_at IS NOT NULL;--> statement-breakpoint
-- complaint_case_facts follows the case log: every log line of a transition or an assignment, from
-- whichever path writes it (intake, lifecycle, import, merge), updates the case's row in the same
-- transaction. First acknowledgement, first closure and first reopening keep the earliest instant;
-- the last closure and its root cause the latest.
CREATE OR REPLACE FUNCTION complaint_case_facts_follow_log() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  c record;
BEGIN
  SELECT received_at, channel, category, product, team, root_cause INTO c
    FROM complaint_cases WHERE tenant_id = NEW.tenant_id AND id = NEW.case_id;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  INSERT INTO complaint_case_facts AS f
    (tenant_id, case_id, received_at, channel, category, product, team, acknowledged_at, first_closed_at, last_closed_at, reopened_at, root_cause)
  VALUES (
    NEW.tenant_id, NEW.case_id, c.received_at, c.channel, c.category, c.product, c.team,
    CASE WHEN NEW.to_state = 'acknowledged' THEN NEW.at END,
    CASE WHEN NEW.to_state = 'closed' THEN NEW.at END,
    CASE WHEN NEW.to_state = 'closed' THEN NEW.at END,
    CASE WHEN NEW.to_state = 'reopened' THEN NEW.at END,
    CASE WHEN NEW.to_state = 'closed' THEN coalesce(NEW.details->>'rootCause', c.root_cause) END)
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
CREATE TRIGGER complaint_case_facts_follow_log AFTER INSERT ON complaint_case_events
  FOR EACH ROW WHEN (NEW.kind IN ('transition', 'note')) EXECUTE FUNCTION complaint_case_facts_follow_log();--> statement-breakpoint
-- Cases logged before this migration.
INSERT INTO complaint_case_facts (tenant_id, case_id, received_at, channel, category, product, team, acknowledged_at, first_closed_at, last_closed_at, reopened_at, root_cause)
SELECT c.tenant_id, c.id, c.received_at, c.channel, c.category, c.product, c.team,
  (SELECT min(e.at) FROM complaint_case_events e WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id AND e.to_state = 'acknowledged'),
  (SELECT min(e.at) FROM complaint_case_events e WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id AND e.to_state = 'closed'),
  (SELECT max(e.at) FROM complaint_case_events e WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id AND e.to_state = 'closed'),
  (SELECT min(e.at) FROM complaint_case_events e WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id AND e.to_state = 'reopened'),
  coalesce(c.root_cause, (SELECT e.details->>'rootCause' FROM complaint_case_events e WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id AND e.details ? 'rootCause' ORDER BY e.id DESC LIMIT 1))
FROM complaint_cases c
ON CONFLICT DO NOTHING;
