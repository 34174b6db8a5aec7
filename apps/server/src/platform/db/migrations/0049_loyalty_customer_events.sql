CREATE TABLE "loyalty_customer_events" (
	"tenant_id" uuid NOT NULL,
	"type" text NOT NULL,
	"external_id" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_customer_events_tenant_id_type_external_id_pk" PRIMARY KEY("tenant_id","type","external_id"),
	CONSTRAINT "loyalty_customer_events_type" CHECK ("loyalty_customer_events"."type" ~ '^[a-z][a-z0-9_]{1,39}$')
);
--> statement-breakpoint
ALTER TABLE "loyalty_customer_events" ADD CONSTRAINT "loyalty_customer_events_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "loyalty_customer_events_customer_idx" ON "loyalty_customer_events" USING btree ("tenant_id","customer_id","created_at");