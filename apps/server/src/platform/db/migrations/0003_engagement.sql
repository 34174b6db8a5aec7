CREATE TABLE "message_channels" (
	"tenant_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"provider" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"secret_sealed" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_channels_tenant_id_channel_pk" PRIMARY KEY("tenant_id","channel")
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"customer_id" uuid,
	"channel" text NOT NULL,
	"recipient" text NOT NULL,
	"locale" text NOT NULL,
	"subject" text,
	"body_text" text DEFAULT '' NOT NULL,
	"body_html" text,
	"payload" jsonb,
	"purpose" text DEFAULT 'automated' NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"reason" text,
	"detail" text,
	"attempts" smallint DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone,
	"provider" text,
	"provider_message_id" text,
	"origin" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "messages_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "messaging_policies" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"quiet_from" text DEFAULT '21:00' NOT NULL,
	"quiet_to" text DEFAULT '09:00' NOT NULL,
	"cap_count" integer DEFAULT 3 NOT NULL,
	"cap_period_hours" integer DEFAULT 24 NOT NULL,
	"rate_per_minute" integer DEFAULT 6000 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"url" text NOT NULL,
	"secret_sealed" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_endpoints_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "automation_rules" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"builtin" text,
	"trigger" jsonb NOT NULL,
	"conditions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"delay" jsonb,
	"actions" jsonb NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "automation_rules_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "automation_runs" (
	"tenant_id" uuid NOT NULL,
	"id" bigserial NOT NULL,
	"rule_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"trigger_key" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"trigger" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"actions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"due_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "automation_runs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "followup_assignment" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"last_index" integer DEFAULT -1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "followup_attempts" (
	"tenant_id" uuid NOT NULL,
	"id" bigserial NOT NULL,
	"followup_id" uuid NOT NULL,
	"outcome" text NOT NULL,
	"note" text,
	"actor_id" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "followup_attempts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "followups" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"rule_id" uuid,
	"reason" text NOT NULL,
	"source" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"priority" text DEFAULT 'normal' NOT NULL,
	"assignee_id" uuid,
	"status" text DEFAULT 'open' NOT NULL,
	"outcome" text,
	"due_at" timestamp with time zone NOT NULL,
	"first_response_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"escalated_at" timestamp with time zone,
	"repurchased_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "followups_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "message_templates" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"content" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_templates_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "time_zone" text;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "holidays" date[] DEFAULT '{}'::date[] NOT NULL;--> statement-breakpoint
ALTER TABLE "automation_runs" ADD CONSTRAINT "automation_runs_tenant_id_rule_id_automation_rules_tenant_id_id_fk" FOREIGN KEY ("tenant_id","rule_id") REFERENCES "public"."automation_rules"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "followup_attempts" ADD CONSTRAINT "followup_attempts_tenant_id_followup_id_followups_tenant_id_id_fk" FOREIGN KEY ("tenant_id","followup_id") REFERENCES "public"."followups"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "followups" ADD CONSTRAINT "followups_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "messages_due_idx" ON "messages" USING btree ("next_attempt_at") WHERE status IN ('queued', 'failed', 'sending');--> statement-breakpoint
CREATE INDEX "messages_customer_idx" ON "messages" USING btree ("tenant_id","customer_id","created_at");--> statement-breakpoint
CREATE INDEX "messages_status_idx" ON "messages" USING btree ("tenant_id","status","updated_at");--> statement-breakpoint
CREATE INDEX "messages_provider_idx" ON "messages" USING btree ("tenant_id","provider_message_id") WHERE provider_message_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "messages_sent_idx" ON "messages" USING btree ("tenant_id","sent_at") WHERE sent_at IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "automation_rules_builtin_key" ON "automation_rules" USING btree ("tenant_id","builtin") WHERE builtin IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "automation_runs_once_key" ON "automation_runs" USING btree ("tenant_id","rule_id","customer_id","trigger_key");--> statement-breakpoint
CREATE INDEX "automation_runs_due_idx" ON "automation_runs" USING btree ("due_at") WHERE status = 'waiting';--> statement-breakpoint
CREATE INDEX "automation_runs_rule_idx" ON "automation_runs" USING btree ("tenant_id","rule_id","id");--> statement-breakpoint
CREATE INDEX "automation_runs_customer_idx" ON "automation_runs" USING btree ("tenant_id","customer_id","id");--> statement-breakpoint
CREATE INDEX "followup_attempts_followup_idx" ON "followup_attempts" USING btree ("tenant_id","followup_id","id");--> statement-breakpoint
CREATE INDEX "followups_queue_idx" ON "followups" USING btree ("tenant_id","status","assignee_id","due_at");--> statement-breakpoint
CREATE INDEX "followups_customer_idx" ON "followups" USING btree ("tenant_id","customer_id","created_at");--> statement-breakpoint
CREATE INDEX "followups_overdue_idx" ON "followups" USING btree ("due_at") WHERE status = 'open' AND escalated_at IS NULL;--> statement-breakpoint
CREATE INDEX "customers_birthday_idx" ON "customers" USING btree ("tenant_id","birthday") WHERE birthday IS NOT NULL AND merged_into IS NULL;--> statement-breakpoint
CREATE INDEX "customers_last_seen_idx" ON "customers" USING btree ("tenant_id","last_seen_at") WHERE merged_into IS NULL AND erased_at IS NULL;