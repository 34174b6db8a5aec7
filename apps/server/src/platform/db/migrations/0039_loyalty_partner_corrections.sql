CREATE TABLE "loyalty_partner_corrections" (
	"tenant_id" uuid NOT NULL,
	"entry_id" bigint NOT NULL,
	"partner_id" uuid NOT NULL,
	"side" text NOT NULL,
	"points" bigint NOT NULL,
	"price_per_point_minor" numeric(20, 0) NOT NULL,
	"amount_minor" numeric(38, 0) NOT NULL,
	"currency" char(3) NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "loyalty_partner_corrections_tenant_id_entry_id_pk" PRIMARY KEY("tenant_id","entry_id"),
	CONSTRAINT "loyalty_partner_corrections_side" CHECK ("loyalty_partner_corrections"."side" IN ('partner_owes', 'workspace_owes')),
	CONSTRAINT "loyalty_partner_corrections_points" CHECK ("loyalty_partner_corrections"."points" <> 0 AND "loyalty_partner_corrections"."price_per_point_minor" >= 0)
);
--> statement-breakpoint
ALTER TABLE "loyalty_partner_corrections" ADD CONSTRAINT "loyalty_partner_corrections_tenant_id_entry_id_loyalty_entries_tenant_id_id_fk" FOREIGN KEY ("tenant_id","entry_id") REFERENCES "public"."loyalty_entries"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_partner_corrections" ADD CONSTRAINT "loyalty_partner_corrections_tenant_id_partner_id_loyalty_partners_tenant_id_id_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "public"."loyalty_partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "loyalty_partner_corrections_period_idx" ON "loyalty_partner_corrections" USING btree ("tenant_id","partner_id","created_at");