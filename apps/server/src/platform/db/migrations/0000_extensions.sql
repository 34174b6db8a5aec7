-- Trigram search over folded names, e-mails and phones; btree_gin lets tenant_id lead the GIN keys.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS btree_gin;
