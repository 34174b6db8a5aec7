CREATE TABLE "complaint_case_satisfaction" (
	"tenant_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"response_id" uuid NOT NULL,
	"survey_id" uuid,
	"score" smallint,
	"points" smallint,
	"negative" boolean NOT NULL,
	"reopened" boolean DEFAULT false NOT NULL,
	"answered_at" timestamp with time zone NOT NULL,
	CONSTRAINT "complaint_case_satisfaction_tenant_id_case_id_response_id_pk" PRIMARY KEY("tenant_id","case_id","response_id")
);
--> statement-breakpoint
CREATE TABLE "complaint_feedback_cases" (
	"tenant_id" uuid NOT NULL,
	"response_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "complaint_feedback_cases_tenant_id_response_id_pk" PRIMARY KEY("tenant_id","response_id")
);
--> statement-breakpoint
CREATE TABLE "complaint_goodwill" (
	"tenant_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"occasion" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text,
	"idempotency_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "complaint_goodwill_tenant_id_case_id_occasion_pk" PRIMARY KEY("tenant_id","case_id","occasion")
);
--> statement-breakpoint
CREATE TABLE "complaint_notices" (
	"tenant_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"source_event_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"reason" text,
	"message_id" uuid,
	"channel" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"issued_at" timestamp with time zone,
	CONSTRAINT "complaint_notices_tenant_id_case_id_source_event_id_kind_pk" PRIMARY KEY("tenant_id","case_id","source_event_id","kind")
);
--> statement-breakpoint
CREATE TABLE "complaint_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"default_csat_survey_id" uuid,
	"notice_templates" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "complaint_case_satisfaction" ADD CONSTRAINT "complaint_case_satisfaction_tenant_id_case_id_complaint_cases_tenant_id_id_fk" FOREIGN KEY ("tenant_id","case_id") REFERENCES "public"."complaint_cases"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_feedback_cases" ADD CONSTRAINT "complaint_feedback_cases_tenant_id_case_id_complaint_cases_tenant_id_id_fk" FOREIGN KEY ("tenant_id","case_id") REFERENCES "public"."complaint_cases"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_goodwill" ADD CONSTRAINT "complaint_goodwill_tenant_id_case_id_complaint_cases_tenant_id_id_fk" FOREIGN KEY ("tenant_id","case_id") REFERENCES "public"."complaint_cases"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_notices" ADD CONSTRAINT "complaint_notices_tenant_id_case_id_complaint_cases_tenant_id_id_fk" FOREIGN KEY ("tenant_id","case_id") REFERENCES "public"."complaint_cases"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "complaint_case_satisfaction_case_idx" ON "complaint_case_satisfaction" USING btree ("tenant_id","case_id","answered_at");--> statement-breakpoint
CREATE UNIQUE INDEX "complaint_goodwill_key" ON "complaint_goodwill" USING btree ("tenant_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "complaint_notices_pending_idx" ON "complaint_notices" USING btree ("created_at") WHERE status = 'pending';--> statement-breakpoint
-- The built-in "follow up when a complaint is opened" rule listened to complaint.opened, which nothing publishes; complaints publish complaint.received.
UPDATE "automation_rules" SET "trigger" = jsonb_set("trigger", '{topic}', '"complaint.received"') WHERE "builtin" = 'negative_experience.complaint' AND "trigger"->>'topic' = 'complaint.opened';
