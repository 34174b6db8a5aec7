import type pg from 'pg';

/**
 * How the schema spreads over a Citus cluster. Every table in `public` with a `tenant_id`
 * column is distributed by it (co-located, so a workspace's rows live on one node), except
 * the tables named here: they are shared by all workspaces or looked up before the workspace
 * is known (a session cookie, a sign-in), and become reference tables, copied to every node.
 * apps/server/test/distributable-schema.test.ts holds the catalog to Citus's rules.
 */
export const REFERENCE_TABLES: Readonly<Record<string, string>> = {
  workspaces: 'the tenants themselves; every distributed table points at them',
  accounts: 'one login across workspaces',
  sessions: 'found by cookie before the workspace is known',
  password_resets: 'belong to an account, redeemed before any workspace is chosen',
  recovery_codes: 'second-factor codes of an account, checked at sign-in',
  login_throttle: 'failed sign-ins per account and address, counted before the workspace is known',
  survey_tokens: 'a respondent opens a survey link, invitation or kiosk with only its token',
  outbox_relay_cursors: 'where the event relay has got to, per slot of the whole outbox, not per workspace',
};

export interface Distribution {
  distributed: string[];
  reference: string[];
  /** tables with no tenant_id that nobody classified: a new table must be placed */
  unclassified: string[];
}

export async function readDistribution(pool: pg.Pool): Promise<Distribution> {
  const { rows } = await pool.query<{ name: string; tenant: boolean }>(`
    SELECT c.relname AS name, bool_or(a.attname = 'tenant_id') AS tenant
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
    GROUP BY c.relname ORDER BY c.relname`);
  const isReference = (name: string) => Object.hasOwn(REFERENCE_TABLES, name);
  const names = new Set(rows.map((r) => r.name));
  const { rows: edges } = await pool.query<{ from: string; to: string }>(`
    SELECT DISTINCT f.relname AS "from", r.relname AS "to"
    FROM pg_constraint con
    JOIN pg_class f ON f.oid = con.conrelid
    JOIN pg_class r ON r.oid = con.confrelid
    JOIN pg_namespace n ON n.oid = f.relnamespace AND n.nspname = 'public'
    WHERE con.contype = 'f' AND f.oid <> r.oid`);
  const order = referencedFirst([...names], edges);
  return {
    distributed: order.filter((name) => rows.find((r) => r.name === name)!.tenant && !isReference(name)),
    reference: order.filter(isReference),
    unclassified: rows.filter((r) => !r.tenant && !isReference(r.name)).map((r) => r.name),
  };
}

/** Orders tables so that each comes after the tables its foreign keys point at (Citus distributes a table only once its targets are). */
function referencedFirst(tables: string[], edges: { from: string; to: string }[]): string[] {
  const placed = new Set<string>();
  const order: string[] = [];
  const visit = (table: string, path: Set<string>) => {
    if (placed.has(table) || path.has(table)) return;
    path.add(table);
    for (const edge of edges) if (edge.from === table) visit(edge.to, path);
    placed.add(table);
    order.push(table);
  };
  for (const table of [...tables].sort()) visit(table, new Set());
  return order;
}

/**
 * The statements that distribute a migrated database on a Citus coordinator (`vafa citus-plan`):
 * reference tables, then workspace tables co-located with the first, each after its targets.
 */
export function citusDistributionSql({ distributed, reference }: Distribution): string[] {
  const [anchor, ...rest] = distributed;
  return [
    ...reference.map((table) => `SELECT create_reference_table('${table}');`),
    ...(anchor ? [`SELECT create_distributed_table('${anchor}', 'tenant_id');`] : []),
    ...rest.map((table) => `SELECT create_distributed_table('${table}', 'tenant_id', colocate_with => '${anchor}');`),
  ];
}
