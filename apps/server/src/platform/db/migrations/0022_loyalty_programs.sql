CREATE TABLE "loyalty_awards" (
	"tenant_id" uuid NOT NULL,
	"program_id" uuid NOT NULL,
	"source_key" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"program_version" integer NOT NULL,
	"entry_id" bigint,
	"points" bigint NOT NULL,
	"spend_points" bigint DEFAULT 0 NOT NULL,
	"day" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_awards_tenant_id_program_id_source_key_pk" PRIMARY KEY("tenant_id","program_id","source_key"),
	CONSTRAINT "loyalty_awards_points" CHECK ("loyalty_awards"."points" >= 0 AND "loyalty_awards"."spend_points" >= 0 AND "loyalty_awards"."spend_points" <= "loyalty_awards"."points")
);
--> statement-breakpoint
CREATE TABLE "loyalty_order_returns" (
	"tenant_id" uuid NOT NULL,
	"program_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"return_id" text NOT NULL,
	"lines" jsonb,
	"points" bigint NOT NULL,
	"from_pending" bigint NOT NULL,
	"from_available" bigint NOT NULL,
	"unrecovered" bigint NOT NULL,
	"entry_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_order_returns_tenant_id_program_id_external_id_return_id_pk" PRIMARY KEY("tenant_id","program_id","external_id","return_id")
);
--> statement-breakpoint
CREATE TABLE "loyalty_orders" (
	"tenant_id" uuid NOT NULL,
	"program_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"program_version" integer NOT NULL,
	"lines" jsonb NOT NULL,
	"points" bigint NOT NULL,
	"returned_points" bigint DEFAULT 0 NOT NULL,
	"entry_id" bigint,
	"capped" text,
	"pending_until" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_orders_tenant_id_program_id_external_id_pk" PRIMARY KEY("tenant_id","program_id","external_id"),
	CONSTRAINT "loyalty_orders_points" CHECK ("loyalty_orders"."points" >= 0 AND "loyalty_orders"."returned_points" >= 0 AND "loyalty_orders"."returned_points" <= "loyalty_orders"."points")
);
--> statement-breakpoint
CREATE TABLE "loyalty_program_versions" (
	"tenant_id" uuid NOT NULL,
	"program_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"settings" jsonb NOT NULL,
	"changed_by" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_program_versions_tenant_id_program_id_version_pk" PRIMARY KEY("tenant_id","program_id","version")
);
--> statement-breakpoint
CREATE TABLE "loyalty_programs" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" text DEFAULT 'points' NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"settings" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_programs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "loyalty_programs_kind" CHECK ("loyalty_programs"."kind" IN ('points')),
	CONSTRAINT "loyalty_programs_status" CHECK ("loyalty_programs"."status" IN ('active', 'archived'))
);
--> statement-breakpoint
ALTER TABLE "loyalty_awards" ADD CONSTRAINT "loyalty_awards_tenant_id_program_id_loyalty_programs_tenant_id_id_fk" FOREIGN KEY ("tenant_id","program_id") REFERENCES "public"."loyalty_programs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_awards" ADD CONSTRAINT "loyalty_awards_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_order_returns" ADD CONSTRAINT "loyalty_order_returns_tenant_id_program_id_external_id_loyalty_orders_tenant_id_program_id_external_id_fk" FOREIGN KEY ("tenant_id","program_id","external_id") REFERENCES "public"."loyalty_orders"("tenant_id","program_id","external_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_orders" ADD CONSTRAINT "loyalty_orders_tenant_id_program_id_loyalty_programs_tenant_id_id_fk" FOREIGN KEY ("tenant_id","program_id") REFERENCES "public"."loyalty_programs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_orders" ADD CONSTRAINT "loyalty_orders_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_program_versions" ADD CONSTRAINT "loyalty_program_versions_tenant_id_program_id_loyalty_programs_tenant_id_id_fk" FOREIGN KEY ("tenant_id","program_id") REFERENCES "public"."loyalty_programs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "loyalty_awards_member_day_idx" ON "loyalty_awards" USING btree ("tenant_id","program_id","customer_id","day");--> statement-breakpoint
CREATE INDEX "loyalty_awards_entry_idx" ON "loyalty_awards" USING btree ("tenant_id","entry_id");