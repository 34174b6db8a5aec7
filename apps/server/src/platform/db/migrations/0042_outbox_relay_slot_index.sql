-- The relay's probe of a slot walked the (xid, id) index from that slot's cursor to the oldest
-- running transaction and filtered out every other slot's events on the way: a slot with nothing
-- new walked everything the others had relayed since its last event, every poll (pg_stat_statements
-- put it above the whole filing path under load). Led by the slot, the index holds each slot's
-- events apart and the probe reads from its cursor only what is its own. The number of slots is
-- now a constant (4, the rows migration 0035 made), since an index expression cannot count rows.
DROP INDEX "outbox_events_relay_idx";--> statement-breakpoint
CREATE INDEX "outbox_events_relay_slot_idx" ON "outbox_events" USING btree ((("xid"::text::bigint % 4)::int),"xid","id");--> statement-breakpoint
CREATE OR REPLACE FUNCTION outbox_event_pending(event_xid xid8, event_id bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM outbox_relay_cursors c
                 WHERE c.slot = (event_xid::text::bigint % 4)::int
                   AND (event_xid, event_id) > (c.xid, c.id))
$$;
