CREATE TABLE "loyalty_expiry_notices" (
	"tenant_id" uuid NOT NULL,
	"program_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"expiry_day" date NOT NULL,
	"points" bigint NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"message_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_expiry_notices_tenant_id_program_id_customer_id_expiry_day_pk" PRIMARY KEY("tenant_id","program_id","customer_id","expiry_day"),
	CONSTRAINT "loyalty_expiry_notices_status" CHECK ("loyalty_expiry_notices"."status" IN ('queued', 'skipped'))
);
--> statement-breakpoint
ALTER TABLE "loyalty_programs" ADD COLUMN "notice_template_id" uuid;--> statement-breakpoint
ALTER TABLE "loyalty_expiry_notices" ADD CONSTRAINT "loyalty_expiry_notices_tenant_id_program_id_loyalty_programs_tenant_id_id_fk" FOREIGN KEY ("tenant_id","program_id") REFERENCES "public"."loyalty_programs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_expiry_notices" ADD CONSTRAINT "loyalty_expiry_notices_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;