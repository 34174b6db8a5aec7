-- Sorted customer lists: name_key is the name as a sort key in Persian alphabetical order (private-use
-- characters compared byte by byte; see modules/customers/customer.name-key.ts), and each sort has an
-- index led by tenant_id with the id as tie-breaker. segment_members: customers added to a segment by hand.
CREATE TABLE "segment_members" (
	"tenant_id" uuid NOT NULL,
	"segment_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"added_by" text,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "segment_members_tenant_id_segment_id_customer_id_pk" PRIMARY KEY("tenant_id","segment_id","customer_id")
);
--> statement-breakpoint
DROP INDEX "customers_last_order_idx";--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "name_key" text COLLATE "C" GENERATED ALWAYS AS (nullif(btrim(translate(lower(name), 'ءآاأإٱبپتثجچحخدذرزژسشصضطظعغفقکكگلمنوؤهةۀەھیيىئabcdefghijklmnopqrstuvwxyz۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩‌‍‎‏ـًٌٍَُِّْٰٕٔ', '01234567890123456789')), '')) STORED;--> statement-breakpoint
ALTER TABLE "segment_members" ADD CONSTRAINT "segment_members_tenant_id_segment_id_segments_tenant_id_id_fk" FOREIGN KEY ("tenant_id","segment_id") REFERENCES "public"."segments"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_members" ADD CONSTRAINT "segment_members_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "segment_members_customer_idx" ON "segment_members" USING btree ("tenant_id","customer_id");--> statement-breakpoint
CREATE INDEX "customers_name_key_idx" ON "customers" USING btree ("tenant_id","name_key","id");--> statement-breakpoint
CREATE INDEX "customers_order_count_idx" ON "customers" USING btree ("tenant_id","order_count","id");--> statement-breakpoint
CREATE INDEX "customers_total_spent_idx" ON "customers" USING btree ("tenant_id","total_spent_minor","id");--> statement-breakpoint
CREATE INDEX "customers_last_order_idx" ON "customers" USING btree ("tenant_id","last_order_at","id");