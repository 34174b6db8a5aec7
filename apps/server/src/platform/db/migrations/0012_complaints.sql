CREATE TABLE "complaint_case_events" (
	"tenant_id" uuid NOT NULL,
	"id" bigserial NOT NULL,
	"case_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"kind" text NOT NULL,
	"action" text,
	"from_state" text,
	"to_state" text,
	"note" text,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "complaint_case_events_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "complaint_cases" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"tracking_code" text NOT NULL,
	"customer_id" uuid,
	"contact_name" text,
	"contact_phone" text,
	"contact_email" text,
	"language" text,
	"channel" text NOT NULL,
	"category" text,
	"product" text,
	"severity" text DEFAULT 'medium' NOT NULL,
	"impact" text,
	"remedy_sought" text,
	"description" text NOT NULL,
	"assignee_id" uuid,
	"team" text,
	"state" text DEFAULT 'received' NOT NULL,
	"root_cause" text,
	"resolution_summary" text,
	"related_response_id" uuid,
	"created_by" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "complaint_cases_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "complaint_case_events" ADD CONSTRAINT "complaint_case_events_tenant_id_case_id_complaint_cases_tenant_id_id_fk" FOREIGN KEY ("tenant_id","case_id") REFERENCES "public"."complaint_cases"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_cases" ADD CONSTRAINT "complaint_cases_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "complaint_case_events_case_idx" ON "complaint_case_events" USING btree ("tenant_id","case_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "complaint_cases_tracking_code_key" ON "complaint_cases" USING btree ("tenant_id","tracking_code");--> statement-breakpoint
CREATE INDEX "complaint_cases_queue_idx" ON "complaint_cases" USING btree ("tenant_id","received_at","id") WHERE state <> 'closed';--> statement-breakpoint
CREATE INDEX "complaint_cases_state_idx" ON "complaint_cases" USING btree ("tenant_id","state","received_at","id");--> statement-breakpoint
CREATE INDEX "complaint_cases_assignee_idx" ON "complaint_cases" USING btree ("tenant_id","assignee_id","received_at","id");--> statement-breakpoint
CREATE INDEX "complaint_cases_customer_idx" ON "complaint_cases" USING btree ("tenant_id","customer_id","received_at") WHERE customer_id IS NOT NULL;