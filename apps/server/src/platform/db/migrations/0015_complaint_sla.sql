CREATE TABLE "complaint_case_sla" (
	"tenant_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"team" text,
	"assignee_id" uuid,
	"case_state" text NOT NULL,
	"sla_state" text NOT NULL,
	"urgency" smallint NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"next_change_at" timestamp with time zone,
	"policy_id" uuid,
	"published" text[] DEFAULT '{}'::text[] NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "complaint_case_sla_tenant_id_case_id_pk" PRIMARY KEY("tenant_id","case_id")
);
--> statement-breakpoint
CREATE TABLE "complaint_sla_calendars" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"time_zone" text,
	"weekend_days" smallint[] NOT NULL,
	"half_days" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"default_hours" jsonb NOT NULL,
	"holiday_calendar" text NOT NULL,
	"holiday_overrides" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"extra_closures" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"removed_holidays" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "complaint_sla_policies" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"category" text,
	"severity" text,
	"acknowledge_minutes" integer,
	"first_response_minutes" integer,
	"resolve_minutes" integer,
	"pausing_states" text[] NOT NULL,
	"warning_share" real NOT NULL,
	"on_reopen" text NOT NULL,
	"escalate_on_breach" boolean NOT NULL,
	"active" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "complaint_sla_policies_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "complaint_teams" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"members" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"hours" jsonb,
	"round_robin" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "complaint_teams_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "complaint_case_sla" ADD CONSTRAINT "complaint_case_sla_tenant_id_case_id_complaint_cases_tenant_id_id_fk" FOREIGN KEY ("tenant_id","case_id") REFERENCES "public"."complaint_cases"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "complaint_case_sla_scan_idx" ON "complaint_case_sla" USING btree ("next_change_at") WHERE next_change_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "complaint_case_sla_queue_idx" ON "complaint_case_sla" USING btree ("tenant_id","urgency","due_at","case_id") WHERE case_state <> 'closed';--> statement-breakpoint
CREATE INDEX "complaint_case_sla_team_idx" ON "complaint_case_sla" USING btree ("tenant_id","team","urgency","due_at","case_id") WHERE case_state <> 'closed';--> statement-breakpoint
CREATE INDEX "complaint_case_sla_assignee_idx" ON "complaint_case_sla" USING btree ("tenant_id","assignee_id","urgency","due_at","case_id") WHERE case_state <> 'closed';--> statement-breakpoint
CREATE UNIQUE INDEX "complaint_sla_policies_match_key" ON "complaint_sla_policies" USING btree ("tenant_id",coalesce("category", ''),coalesce("severity", ''));--> statement-breakpoint
CREATE UNIQUE INDEX "complaint_teams_key" ON "complaint_teams" USING btree ("tenant_id","key");--> statement-breakpoint
-- Cases received before the SLA engine: an index row each, due now, so the first scan computes them.
INSERT INTO "complaint_case_sla" ("tenant_id", "case_id", "team", "assignee_id", "case_state", "sla_state", "urgency", "due_at", "next_change_at", "computed_at")
SELECT "tenant_id", "id", "team", "assignee_id", "state", 'none', 4, 'infinity', now(), now() FROM "complaint_cases";
