CREATE TABLE "outbox_relay_cursors" (
	"slot" integer PRIMARY KEY NOT NULL,
	"xid" xid8 NOT NULL,
	"id" bigint NOT NULL,
	"moved_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Every event already written gets this migration's transaction id (a volatile default is evaluated
-- per row, in this transaction); new ones sort after it.
ALTER TABLE "outbox_events" ADD COLUMN "xid" xid8 DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
-- Four slots. Each cursor starts just before the oldest event not yet dispatched, so those are relayed
-- and the dispatched ones before it are not (the few dispatched after it go out again: at least once).
INSERT INTO "outbox_relay_cursors" ("slot", "xid", "id")
SELECT s, pg_current_xact_id(),
       coalesce((SELECT min(id) FROM "outbox_events" WHERE "dispatched_at" IS NULL), (SELECT max(id) + 1 FROM "outbox_events"), 1) - 1
FROM generate_series(0, 3) AS s;--> statement-breakpoint
DROP INDEX "outbox_events_pending_idx";--> statement-breakpoint
ALTER TABLE "outbox_events" DROP COLUMN "dispatched_at";--> statement-breakpoint
CREATE INDEX "outbox_events_relay_idx" ON "outbox_events" USING btree ("xid","id");--> statement-breakpoint
-- Whether an event is still to be relayed: it sorts after its slot's cursor. For tests and operators.
CREATE FUNCTION outbox_event_pending(event_xid xid8, event_id bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM outbox_relay_cursors c
                 WHERE c.slot = event_xid::text::bigint % (SELECT count(*) FROM outbox_relay_cursors)
                   AND (event_xid, event_id) > (c.xid, c.id))
$$;
