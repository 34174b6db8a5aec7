import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { StartupError } from '../startup-error.ts';
import { backupDatabase, restoreDatabase } from './backup.ts';
import { connectDatabase } from './connect.ts';

const log = pino({ level: 'silent' });
const SERVER_URL = process.env.VAFA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-backup-test-'));
fs.chmodSync(scratch, 0o755); // when root, the postgres user must reach the data dirs inside

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function tempDir(name: string): string {
  return fs.mkdtempSync(path.join(scratch, `${name}-`));
}

/** A tar.gz of one unrelated file. */
function notABackup(): string {
  const dir = tempDir('not-a-backup');
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello');
  const file = path.join(scratch, `${path.basename(dir)}.tar.gz`);
  execFileSync('tar', ['-czf', file, '-C', dir, '.']);
  return file;
}

describe('embedded physical backup', () => {
  it('restores everything committed before the backup and nothing after it', async () => {
    const source = tempDir('source');
    const file = path.join(scratch, 'vafa.tar.gz');
    const database = await connectDatabase({ databaseUrl: undefined, dataDir: source, poolSize: 3, log });
    let written = 0;
    try {
      await database.pool.query('CREATE TABLE kept_promise (id int PRIMARY KEY, note text NOT NULL)');
      await database.pool.query(`INSERT INTO kept_promise SELECT n, 'before ' || n FROM generate_series(1, 500) n`);
      // Writes keep landing while the cluster is copied: the backup must still be consistent.
      let backingUp = true;
      const writer = (async () => {
        while (backingUp) {
          written += 1;
          await database.pool.query(`INSERT INTO kept_promise VALUES ($1, 'during')`, [1000 + written]);
        }
      })();
      const result = await backupDatabase(database, file, log).finally(() => (backingUp = false));
      await writer;
      expect(result.method).toBe('physical');
      expect(result.bytes).toBe(fs.statSync(file).size);
      await database.pool.query(`INSERT INTO kept_promise SELECT n, 'after' FROM generate_series(5001, 5100) n`);
    } finally {
      await database.close();
    }

    const members = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n');
    expect(members).toEqual(expect.arrayContaining(['./backup_label', './vafa-backup.json', './PG_VERSION', './base/']));
    expect(members.some((m) => /^\.\/pg_wal\/[0-9A-F]{24}$/.test(m))).toBe(true);
    expect(members).not.toContain('./postmaster.pid');
    expect(members).not.toContain('./postmaster.opts');

    const target = tempDir('target');
    await restoreDatabase(file, target, log);
    expect((fs.statSync(path.join(target, 'pg')).mode & 0o777).toString(8)).toBe('700');
    const restored = await connectDatabase({ databaseUrl: undefined, dataDir: target, poolSize: 2, log });
    try {
      const { rows } = await restored.pool.query<{ before: number; during: number; lastDuring: number | null; after: number }>(
        `SELECT count(*) FILTER (WHERE note LIKE 'before%')::int AS before,
                count(*) FILTER (WHERE note = 'during')::int AS during,
                max(id) FILTER (WHERE note = 'during') AS "lastDuring",
                count(*) FILTER (WHERE note = 'after')::int AS after
           FROM kept_promise`,
      );
      const counts = rows[0]!;
      // Each message carries every count, so a failure on a busy CI machine says what it saw.
      const seen = JSON.stringify({ ...counts, written });
      expect(counts.before, seen).toBe(500);
      expect(counts.after, seen).toBe(0);
      // Rows written during the backup: a gapless prefix of the sequence, i.e. a consistent state.
      expect(counts.during, seen).toBeGreaterThan(0);
      expect(counts.during, seen).toBeLessThanOrEqual(written);
      expect(counts.lastDuring ?? 1000, seen).toBe(1000 + counts.during);
      // The restored cluster takes writes again: recovery finished.
      await restored.pool.query(`INSERT INTO kept_promise VALUES (9999, 'written after restore')`);
    } finally {
      await restored.close();
    }

    await expect(restoreDatabase(file, target, log)).rejects.toThrow(/already holds a PostgreSQL cluster/);
  });

  it('refuses to restore into a data directory a live Vafa owns', async () => {
    const target = tempDir('busy');
    const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(path.join(target, 'vafa.pid'), String(owner.pid));
      const attempt = restoreDatabase(notABackup(), target, log);
      await expect(attempt).rejects.toBeInstanceOf(StartupError);
      await expect(attempt).rejects.toThrow(`another Vafa (pid ${owner.pid})`);
      expect(fs.existsSync(path.join(target, 'pg'))).toBe(false);
    } finally {
      owner.kill();
    }
  });

  it('refuses a file that is not a Vafa backup, leaving the data directory empty', async () => {
    const target = tempDir('bogus');
    await expect(restoreDatabase(notABackup(), target, log)).rejects.toThrow(/is not a Vafa backup/);
    expect(fs.readdirSync(target)).toEqual([]);
  });
});

describe('DATABASE_URL backup', () => {
  it('writes a pg_dump custom-format archive', async () => {
    const database = await connectDatabase({ databaseUrl: SERVER_URL, dataDir: scratch, poolSize: 2, log });
    try {
      const file = path.join(scratch, 'server.dump');
      const result = await backupDatabase(database, file, log);
      expect(result.method).toBe('pg_dump');
      const head = Buffer.alloc(5);
      const fd = fs.openSync(file, 'r');
      fs.readSync(fd, head, 0, 5, 0);
      fs.closeSync(fd);
      expect(head.toString('latin1')).toBe('PGDMP');
      expect(fs.statSync(file).mode & 0o077).toBe(0);
    } finally {
      await database.close();
    }
  });

  it('names the pg_dump it needs when the one on PATH is older than the server', async () => {
    const bin = tempDir('bin');
    fs.writeFileSync(path.join(bin, 'pg_dump'), '#!/bin/sh\necho "pg_dump (PostgreSQL) 9.6.24"\n', { mode: 0o755 });
    const database = await connectDatabase({ databaseUrl: SERVER_URL, dataDir: scratch, poolSize: 2, log });
    const originalPath = process.env.PATH;
    process.env.PATH = `${bin}:${originalPath}`;
    try {
      const file = path.join(scratch, 'old.dump');
      await expect(backupDatabase(database, file, log)).rejects.toThrow(/^pg_dump 9 cannot dump a PostgreSQL \d+ server; backing up this database needs pg_dump \d+ or newer/);
      expect(fs.readdirSync(scratch).filter((name) => name.startsWith('old.dump'))).toEqual([]);
    } finally {
      process.env.PATH = originalPath;
      await database.close();
    }
  });
});
