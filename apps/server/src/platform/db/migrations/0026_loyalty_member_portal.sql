CREATE TABLE "loyalty_member_otps" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"phone" text NOT NULL,
	"customer_id" uuid,
	"code_hash" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"consumed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "loyalty_member_otps_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "loyalty_member_otps_code" CHECK (("loyalty_member_otps"."customer_id" IS NULL) = ("loyalty_member_otps"."code_hash" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "loyalty_member_sessions" (
	"tenant_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "loyalty_member_sessions_tenant_id_token_hash_pk" PRIMARY KEY("tenant_id","token_hash")
);
--> statement-breakpoint
ALTER TABLE "loyalty_member_otps" ADD CONSTRAINT "loyalty_member_otps_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_member_sessions" ADD CONSTRAINT "loyalty_member_sessions_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "loyalty_member_otps_phone_idx" ON "loyalty_member_otps" USING btree ("tenant_id","phone","created_at");--> statement-breakpoint
CREATE INDEX "loyalty_member_otps_created_idx" ON "loyalty_member_otps" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "loyalty_member_sessions_customer_idx" ON "loyalty_member_sessions" USING btree ("tenant_id","customer_id");