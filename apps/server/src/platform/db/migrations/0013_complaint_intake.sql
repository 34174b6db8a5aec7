CREATE TABLE "complaint_attachments" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"source" text NOT NULL,
	"event_id" bigint,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "complaint_attachments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "complaint_case_merges" (
	"tenant_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"into_case_id" uuid NOT NULL,
	"merged_at" timestamp with time zone DEFAULT now() NOT NULL,
	"merged_by" text,
	CONSTRAINT "complaint_case_merges_tenant_id_case_id_pk" PRIMARY KEY("tenant_id","case_id")
);
--> statement-breakpoint
CREATE TABLE "complaint_case_messages" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"direction" text NOT NULL,
	"message_id_header" text,
	"from_address" text,
	"to_address" text,
	"subject" text,
	"body_text" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"event_id" bigint,
	CONSTRAINT "complaint_case_messages_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "complaint_intake_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"email_enabled" boolean DEFAULT true NOT NULL,
	"sms_enabled" boolean DEFAULT false NOT NULL,
	"thread_window_hours" integer DEFAULT 72 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "complaint_attachments" ADD CONSTRAINT "complaint_attachments_tenant_id_case_id_complaint_cases_tenant_id_id_fk" FOREIGN KEY ("tenant_id","case_id") REFERENCES "public"."complaint_cases"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_case_merges" ADD CONSTRAINT "complaint_case_merges_tenant_id_case_id_complaint_cases_tenant_id_id_fk" FOREIGN KEY ("tenant_id","case_id") REFERENCES "public"."complaint_cases"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_case_merges" ADD CONSTRAINT "complaint_case_merges_tenant_id_into_case_id_complaint_cases_tenant_id_id_fk" FOREIGN KEY ("tenant_id","into_case_id") REFERENCES "public"."complaint_cases"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_case_messages" ADD CONSTRAINT "complaint_case_messages_tenant_id_case_id_complaint_cases_tenant_id_id_fk" FOREIGN KEY ("tenant_id","case_id") REFERENCES "public"."complaint_cases"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "complaint_attachments_case_idx" ON "complaint_attachments" USING btree ("tenant_id","case_id","created_at");--> statement-breakpoint
CREATE INDEX "complaint_case_merges_into_idx" ON "complaint_case_merges" USING btree ("tenant_id","into_case_id");--> statement-breakpoint
CREATE UNIQUE INDEX "complaint_case_messages_message_id_key" ON "complaint_case_messages" USING btree ("tenant_id","message_id_header") WHERE message_id_header IS NOT NULL;--> statement-breakpoint
CREATE INDEX "complaint_case_messages_sender_idx" ON "complaint_case_messages" USING btree ("tenant_id","channel","from_address","at") WHERE direction = 'inbound';--> statement-breakpoint
CREATE INDEX "complaint_case_messages_case_idx" ON "complaint_case_messages" USING btree ("tenant_id","case_id","at");