CREATE TABLE "survey_answers" (
	"tenant_id" uuid NOT NULL,
	"response_id" uuid NOT NULL,
	"question_id" text NOT NULL,
	"survey_id" uuid NOT NULL,
	"skipped" boolean DEFAULT false NOT NULL,
	"score" smallint,
	"choices" text[],
	"other_text" text,
	"text_value" text,
	"date_value" date,
	"desired" smallint,
	"adequate" smallint,
	"perceived" smallint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "survey_answers_tenant_id_response_id_question_id_pk" PRIMARY KEY("tenant_id","response_id","question_id")
);
--> statement-breakpoint
CREATE TABLE "survey_distributions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"name" text NOT NULL,
	"channel" text NOT NULL,
	"audience" jsonb NOT NULL,
	"sampling_percent" integer DEFAULT 100 NOT NULL,
	"schedule" jsonb NOT NULL,
	"reminder" jsonb,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"waves" integer DEFAULT 0 NOT NULL,
	"next_run_at" timestamp with time zone,
	"last_run_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "survey_distributions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "survey_invitations" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"distribution_id" uuid,
	"wave" integer DEFAULT 1 NOT NULL,
	"customer_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"context" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"hidden" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"message_id" uuid,
	"sent_at" timestamp with time zone,
	"reminded_at" timestamp with time zone,
	"reminder_count" integer DEFAULT 0 NOT NULL,
	"opened_at" timestamp with time zone,
	"responded_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "survey_invitations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "survey_kiosks" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"location" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "survey_kiosks_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "survey_last_contact" (
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "survey_last_contact_tenant_id_customer_id_pk" PRIMARY KEY("tenant_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "survey_policies" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"recontact_days" integer DEFAULT 30 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "survey_respondents" (
	"tenant_id" uuid NOT NULL,
	"response_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"invitation_id" uuid,
	CONSTRAINT "survey_respondents_tenant_id_response_id_pk" PRIMARY KEY("tenant_id","response_id")
);
--> statement-breakpoint
CREATE TABLE "survey_response_tags" (
	"tenant_id" uuid NOT NULL,
	"response_id" uuid NOT NULL,
	"tag" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "survey_response_tags_tenant_id_response_id_tag_pk" PRIMARY KEY("tenant_id","response_id","tag")
);
--> statement-breakpoint
CREATE TABLE "survey_responses" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"status" text DEFAULT 'partial' NOT NULL,
	"channel" text NOT NULL,
	"locale" text NOT NULL,
	"stage" text,
	"hidden" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"context" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"segment_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"kiosk_id" uuid,
	"client_ref" text,
	"device_hash" "bytea",
	"step" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	CONSTRAINT "survey_responses_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "survey_rollups" (
	"tenant_id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"question_id" text NOT NULL,
	"day" date NOT NULL,
	"channel" text NOT NULL,
	"stage" text DEFAULT '' NOT NULL,
	"segment_id" uuid NOT NULL,
	"bucket" text DEFAULT '' NOT NULL,
	"shard" smallint DEFAULT 0 NOT NULL,
	"answered" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"sum" bigint DEFAULT 0 NOT NULL,
	"sum_sq" bigint DEFAULT 0 NOT NULL,
	"promoters" integer DEFAULT 0 NOT NULL,
	"passives" integer DEFAULT 0 NOT NULL,
	"detractors" integer DEFAULT 0 NOT NULL,
	"top_two" integer DEFAULT 0 NOT NULL,
	"bottom_two" integer DEFAULT 0 NOT NULL,
	"agree" integer DEFAULT 0 NOT NULL,
	"desired_sum" bigint DEFAULT 0 NOT NULL,
	"adequate_sum" bigint DEFAULT 0 NOT NULL,
	"perceived_sum" bigint DEFAULT 0 NOT NULL,
	"below_zone" integer DEFAULT 0 NOT NULL,
	"within_zone" integer DEFAULT 0 NOT NULL,
	"above_zone" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "survey_rollups_tenant_id_survey_id_question_id_day_channel_stage_segment_id_bucket_shard_pk" PRIMARY KEY("tenant_id","survey_id","question_id","day","channel","stage","segment_id","bucket","shard")
);
--> statement-breakpoint
CREATE TABLE "survey_text_themes" (
	"tenant_id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"question_id" text NOT NULL,
	"term" text NOT NULL,
	"words" smallint NOT NULL,
	"count" integer NOT NULL,
	"examples" uuid[] NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "survey_text_themes_tenant_id_survey_id_question_id_term_pk" PRIMARY KEY("tenant_id","survey_id","question_id","term")
);
--> statement-breakpoint
CREATE TABLE "survey_tokens" (
	"token_hash" "bytea" PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"target_id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "survey_versions" (
	"tenant_id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"published_by" text,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "survey_versions_tenant_id_survey_id_version_pk" PRIMARY KEY("tenant_id","survey_id","version")
);
--> statement-breakpoint
CREATE TABLE "surveys" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" text DEFAULT 'customer' NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"draft" jsonb NOT NULL,
	"live_version" integer,
	"public_token" text NOT NULL,
	"template" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"closed_reason" text,
	CONSTRAINT "surveys_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "survey_answers" ADD CONSTRAINT "survey_answers_tenant_id_response_id_survey_responses_tenant_id_id_fk" FOREIGN KEY ("tenant_id","response_id") REFERENCES "public"."survey_responses"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_distributions" ADD CONSTRAINT "survey_distributions_tenant_id_survey_id_surveys_tenant_id_id_fk" FOREIGN KEY ("tenant_id","survey_id") REFERENCES "public"."surveys"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_tenant_id_survey_id_surveys_tenant_id_id_fk" FOREIGN KEY ("tenant_id","survey_id") REFERENCES "public"."surveys"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_kiosks" ADD CONSTRAINT "survey_kiosks_tenant_id_survey_id_surveys_tenant_id_id_fk" FOREIGN KEY ("tenant_id","survey_id") REFERENCES "public"."surveys"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_last_contact" ADD CONSTRAINT "survey_last_contact_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_respondents" ADD CONSTRAINT "survey_respondents_tenant_id_response_id_survey_responses_tenant_id_id_fk" FOREIGN KEY ("tenant_id","response_id") REFERENCES "public"."survey_responses"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_respondents" ADD CONSTRAINT "survey_respondents_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_response_tags" ADD CONSTRAINT "survey_response_tags_tenant_id_response_id_survey_responses_tenant_id_id_fk" FOREIGN KEY ("tenant_id","response_id") REFERENCES "public"."survey_responses"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_tenant_id_survey_id_surveys_tenant_id_id_fk" FOREIGN KEY ("tenant_id","survey_id") REFERENCES "public"."surveys"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_rollups" ADD CONSTRAINT "survey_rollups_tenant_id_survey_id_surveys_tenant_id_id_fk" FOREIGN KEY ("tenant_id","survey_id") REFERENCES "public"."surveys"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_text_themes" ADD CONSTRAINT "survey_text_themes_tenant_id_survey_id_surveys_tenant_id_id_fk" FOREIGN KEY ("tenant_id","survey_id") REFERENCES "public"."surveys"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_versions" ADD CONSTRAINT "survey_versions_tenant_id_survey_id_surveys_tenant_id_id_fk" FOREIGN KEY ("tenant_id","survey_id") REFERENCES "public"."surveys"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "survey_answers_question_idx" ON "survey_answers" USING btree ("tenant_id","survey_id","question_id");--> statement-breakpoint
CREATE INDEX "survey_distributions_due_idx" ON "survey_distributions" USING btree ("next_run_at") WHERE status IN ('scheduled', 'running');--> statement-breakpoint
CREATE INDEX "survey_invitations_survey_idx" ON "survey_invitations" USING btree ("tenant_id","survey_id","wave");--> statement-breakpoint
CREATE INDEX "survey_invitations_customer_idx" ON "survey_invitations" USING btree ("tenant_id","customer_id","sent_at");--> statement-breakpoint
CREATE INDEX "survey_invitations_remind_idx" ON "survey_invitations" USING btree ("tenant_id","distribution_id","sent_at") WHERE responded_at IS NULL;--> statement-breakpoint
CREATE INDEX "survey_respondents_customer_idx" ON "survey_respondents" USING btree ("tenant_id","customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_respondents_invitation_key" ON "survey_respondents" USING btree ("tenant_id","invitation_id") WHERE invitation_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "survey_responses_survey_idx" ON "survey_responses" USING btree ("tenant_id","survey_id","submitted_at");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_responses_kiosk_ref_key" ON "survey_responses" USING btree ("tenant_id","kiosk_id","client_ref") WHERE client_ref IS NOT NULL;--> statement-breakpoint
CREATE INDEX "surveys_list_idx" ON "surveys" USING btree ("tenant_id","updated_at");