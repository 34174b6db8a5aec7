ALTER TABLE "loyalty_member_otps" DROP CONSTRAINT "loyalty_member_otps_code";--> statement-breakpoint
ALTER TABLE "loyalty_member_otps" ALTER COLUMN "phone" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "loyalty_member_otps" ADD COLUMN "email" text;--> statement-breakpoint
ALTER TABLE "loyalty_member_otps" ADD COLUMN "referral_code" text;--> statement-breakpoint
CREATE INDEX "loyalty_member_otps_email_idx" ON "loyalty_member_otps" USING btree ("tenant_id","email","created_at");--> statement-breakpoint
ALTER TABLE "loyalty_member_otps" ADD CONSTRAINT "loyalty_member_otps_address" CHECK (("loyalty_member_otps"."phone" IS NULL) <> ("loyalty_member_otps"."email" IS NULL));--> statement-breakpoint
ALTER TABLE "loyalty_member_otps" ADD CONSTRAINT "loyalty_member_otps_code" CHECK (("loyalty_member_otps"."customer_id" IS NULL AND "loyalty_member_otps"."referral_code" IS NULL) = ("loyalty_member_otps"."code_hash" IS NULL));