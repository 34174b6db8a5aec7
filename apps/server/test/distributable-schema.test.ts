import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citusDistributionSql, readDistribution, REFERENCE_TABLES } from '../src/platform/db/distribution.ts';
import { startTestApp, type TestApp } from './harness.ts';

// Citus distributes a table by one column and then insists that its primary key, every unique
// constraint or index, and every foreign key between distributed tables include that column
// (co-located joins and local uniqueness checks). Vafa distributes workspace tables by
// tenant_id and keeps the rule stricter: tenant_id leads, so every lookup is one shard's.
// This reads the migrated catalog, so a new table or index that would block scale-out fails here.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

/** Leading key columns of every primary key, unique constraint and unique index, per table. */
async function uniqueKeys(): Promise<{ table: string; name: string; first: string; primary: boolean }[]> {
  const { rows } = await t.database.pool.query(`
    SELECT t.relname AS table, i.relname AS name, a.attname AS first, x.indisprimary AS primary
    FROM pg_index x
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
    JOIN pg_class i ON i.oid = x.indexrelid
    LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
    WHERE x.indisunique`);
  return rows.map((r) => ({ ...r, first: r.first ?? '(expression)' }));
}

async function foreignKeys(): Promise<{ name: string; from: string; to: string; fromFirst: string; toFirst: string }[]> {
  const { rows } = await t.database.pool.query(`
    SELECT con.conname AS name, f.relname AS "from", r.relname AS "to",
      (SELECT attname FROM pg_attribute WHERE attrelid = con.conrelid AND attnum = con.conkey[1]) AS "fromFirst",
      (SELECT attname FROM pg_attribute WHERE attrelid = con.confrelid AND attnum = con.confkey[1]) AS "toFirst"
    FROM pg_constraint con
    JOIN pg_class f ON f.oid = con.conrelid
    JOIN pg_class r ON r.oid = con.confrelid
    JOIN pg_namespace n ON n.oid = f.relnamespace AND n.nspname = 'public'
    WHERE con.contype = 'f'`);
  return rows;
}

describe('a schema Citus can distribute by tenant_id', () => {
  it('leads every workspace table\'s primary key and unique keys with tenant_id', async () => {
    const layout = await readDistribution(t.database.pool);
    expect(layout.unclassified, 'tables with no tenant_id that are not declared reference tables (platform/db/distribution.ts)').toEqual([]);
    expect(layout.reference.sort()).toEqual(Object.keys(REFERENCE_TABLES).sort());
    const workspaceTables = new Set(layout.distributed);
    // The catalog must actually hold the workspace tables, or this test proves nothing.
    for (const known of ['customers', 'touchpoints', 'orders', 'audit_log', 'api_keys', 'followups']) expect(workspaceTables).toContain(known);

    const keys = await uniqueKeys();
    const withoutPrimaryKey = [...workspaceTables].filter((name) => !keys.some((k) => k.table === name && k.primary));
    expect(withoutPrimaryKey, 'workspace tables without a primary key').toEqual([]);
    const offending = keys.filter((k) => workspaceTables.has(k.table) && k.first !== 'tenant_id').map((k) => `${k.table}.${k.name} starts with ${k.first}`);
    expect(offending, 'unique keys of workspace tables that do not lead with tenant_id').toEqual([]);
  });

  it('leads every foreign key between workspace tables with tenant_id, and no shared table points into a workspace table', async () => {
    const workspaceTables = new Set((await readDistribution(t.database.pool)).distributed);
    const fks = await foreignKeys();
    expect(fks.length).toBeGreaterThan(10);
    const between = fks.filter((fk) => workspaceTables.has(fk.from) && workspaceTables.has(fk.to));
    expect(between.length).toBeGreaterThan(5);
    const offending = between.filter((fk) => fk.fromFirst !== 'tenant_id' || fk.toFirst !== 'tenant_id').map((fk) => `${fk.from} -> ${fk.to} (${fk.name})`);
    expect(offending, 'foreign keys between workspace tables that do not lead with tenant_id').toEqual([]);
    // A reference table (replicated to every node) cannot reference a distributed one.
    const intoWorkspace = fks.filter((fk) => !workspaceTables.has(fk.from) && workspaceTables.has(fk.to)).map((fk) => `${fk.from} -> ${fk.to} (${fk.name})`);
    expect(intoWorkspace, 'shared tables pointing into workspace tables').toEqual([]);
  });

  it('plans reference tables first, then every workspace table co-located with one anchor', async () => {
    const layout = await readDistribution(t.database.pool);
    const plan = citusDistributionSql(layout);
    expect(plan).toHaveLength(layout.reference.length + layout.distributed.length);
    const firstDistributed = plan.findIndex((s) => s.includes('create_distributed_table'));
    expect(plan.slice(0, firstDistributed).every((s) => s.includes('create_reference_table'))).toBe(true);
    for (const table of layout.distributed) expect(plan.some((s) => s.includes(`'${table}', 'tenant_id'`))).toBe(true);
    // A table is distributed only after every table its foreign keys point at.
    const position = (table: string) => plan.findIndex((s) => s.includes(`('${table}'`));
    for (const fk of await foreignKeys()) {
      if (fk.from !== fk.to) expect(position(fk.to), `${fk.to} before ${fk.from}`).toBeLessThan(position(fk.from));
    }
  });
});
