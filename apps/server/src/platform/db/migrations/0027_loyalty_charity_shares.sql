CREATE TABLE "loyalty_charity_shares" (
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"charity_id" uuid NOT NULL,
	"percent" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_charity_shares_tenant_id_customer_id_pk" PRIMARY KEY("tenant_id","customer_id"),
	CONSTRAINT "loyalty_charity_shares_percent" CHECK ("loyalty_charity_shares"."percent" BETWEEN 1 AND 100)
);
--> statement-breakpoint
ALTER TABLE "loyalty_charity_shares" ADD CONSTRAINT "loyalty_charity_shares_tenant_id_charity_id_loyalty_charities_tenant_id_id_fk" FOREIGN KEY ("tenant_id","charity_id") REFERENCES "public"."loyalty_charities"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_charity_shares" ADD CONSTRAINT "loyalty_charity_shares_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;