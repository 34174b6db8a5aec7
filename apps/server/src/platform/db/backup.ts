import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip } from 'node:zlib';
import type pg from 'pg';
import type { Logger } from 'pino';
import { StartupError } from '../startup-error.ts';
import type { Database } from './connect.ts';
import { acquireDataDirLock, chownTree, ensureWritableDir, postgresUser } from './embedded.ts';

/**
 * Backups.
 *
 * Embedded PostgreSQL: an online physical base backup taken with PostgreSQL's low-level API
 * (pg_backup_start / pg_backup_stop), written as one tar.gz that also holds the WAL needed to
 * make it consistent, so `restoreDatabase` needs nothing else. The embedded binaries have no
 * pg_basebackup, hence the hand-made equivalent.
 *
 * DATABASE_URL: `pg_dump --format=custom`. Restoring that is the operator's job, with a
 * pg_restore of the same or a newer major version, e.g.
 * `pg_restore --dbname=postgres://… --clean --if-exists --no-owner FILE`.
 */

const execFileAsync = promisify(execFile);

export interface BackupResult {
  bytes: number;
  method: 'physical' | 'pg_dump';
}

/** Inside every physical archive, so a restore can tell a Vafa backup from any tar.gz. */
interface BackupManifest {
  format: 1;
  method: 'physical';
  pgVersion: string;
  serverVersion: string;
  createdAt: string;
  startLsn: string;
  stopLsn: string;
  walFiles: string[];
}

const MANIFEST = 'vafa-backup.json';
const WAL_SEGMENT = /^[0-9A-F]{24}$/;
const TIMELINE_HISTORY = /^[0-9A-F]{8}\.history$/;

/**
 * Left out of the copy, as the PostgreSQL docs ("Making a Base Backup Using the Low Level API")
 * and pg_basebackup do: runtime state the server rebuilds on start, and WAL, which we add
 * ourselves after pg_backup_stop. The emptied directories must exist again on restore.
 */
const EMPTIED_DIRS = ['pg_wal', 'pg_replslot', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_stat_tmp', 'pg_subtrans'];
const SKIPPED_FILES = ['postmaster.pid', 'postmaster.opts', 'backup_label', 'tablespace_map', 'backup_manifest', 'postgresql.auto.conf.tmp', 'current_logfiles.tmp', MANIFEST];
const RESTORED_DIRS = [...EMPTIED_DIRS, 'pg_wal/archive_status', 'pg_wal/summaries'];

/** tar with a 512-byte record ends in exactly two zero blocks, which we cut to append more. */
const END_OF_ARCHIVE = 1024;

export async function backupDatabase(database: Database, file: string, log: Logger): Promise<BackupResult> {
  const target = path.resolve(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const method = database.embedded ? 'physical' : 'pg_dump';
    if (database.embedded) await writePhysicalBackup(database.pool, database.embedded.pgDir, temp, log);
    else await writeDump(database, temp);
    fs.renameSync(temp, target);
    fsyncPath(path.dirname(target));
    const bytes = fs.statSync(target).size;
    log.info({ file: target, bytes, method }, 'backup written');
    return { bytes, method };
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

async function writePhysicalBackup(pool: pg.Pool, pgDir: string, temp: string, log: Logger): Promise<void> {
  // The backup lives in one session: if we die midway, PostgreSQL aborts it on disconnect.
  const client = await pool.connect();
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-backup-'));
  let failed = false;
  try {
    // 0600: the archive holds every customer's data.
    await pipeline(physicalArchive(client, pgDir, staging, log), createGzip(), fs.createWriteStream(temp, { flags: 'wx', mode: 0o600 }));
    fsyncPath(temp);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    client.release(failed);
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** The cluster's files copied between start and stop, then backup_label, the WAL and our manifest. */
async function* physicalArchive(client: pg.PoolClient, pgDir: string, staging: string, log: Logger): AsyncGenerator<Buffer> {
  const slot = `vafa_backup_${process.pid}_${randomBytes(4).toString('hex')}`;
  // A temporary slot keeps every WAL segment from now on until this session ends, so a
  // checkpoint cannot recycle the segments we copy after pg_backup_stop.
  await client.query('SELECT pg_create_physical_replication_slot($1, immediately_reserve := true, temporary := true)', [slot]);
  const { rows: started } = await client.query<{ lsn: string; version: string }>(
    `SELECT pg_backup_start($1, fast := true)::text AS lsn, current_setting('server_version') AS version`,
    [`vafa ${new Date().toISOString()}`],
  );
  const startLsn = started[0]!.lsn;
  log.info({ startLsn }, 'backup started; copying the cluster');

  const excludes = [
    '--anchored',
    ...EMPTIED_DIRS.map((dir) => `--exclude=./${dir}/*`),
    ...SKIPPED_FILES.map((name) => `--exclude=./${name}`),
    '--no-anchored',
    '--exclude=pgsql_tmp*',
    '--exclude=pg_internal.init',
  ];
  // Files change under a live cluster; WAL replay repairs that, so tar's "changed" is no error.
  const quiet = ['--warning=no-file-changed', '--warning=no-file-removed', '--warning=no-file-shrank'];
  yield* withoutEndOfArchive(runTar(['-cf', '-', '-b', '1', ...quiet, ...excludes, '-C', pgDir, '.'], [0, 1]));

  const { rows: stopped } = await client.query<{ lsn: string; labelfile: string; spcmapfile: string | null }>(
    'SELECT lsn::text AS lsn, labelfile, spcmapfile FROM pg_backup_stop(wait_for_archive := false)',
  );
  const stop = stopped[0]!;
  const walFiles = await walNeeded(client, pgDir, startLsn, stop.lsn);
  const manifest: BackupManifest = {
    format: 1,
    method: 'physical',
    pgVersion: fs.readFileSync(path.join(pgDir, 'PG_VERSION'), 'utf8').trim(),
    serverVersion: started[0]!.version,
    createdAt: new Date().toISOString(),
    startLsn,
    stopLsn: stop.lsn,
    walFiles,
  };
  const extras = ['backup_label', MANIFEST];
  fs.writeFileSync(path.join(staging, 'backup_label'), stop.labelfile, { mode: 0o600 });
  if (stop.spcmapfile) {
    fs.writeFileSync(path.join(staging, 'tablespace_map'), stop.spcmapfile, { mode: 0o600 });
    extras.push('tablespace_map');
  }
  fs.writeFileSync(path.join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  log.info({ stopLsn: stop.lsn, walFiles: walFiles.length }, 'backup stopped; adding WAL');
  yield* runTar(['-cf', '-', '-C', staging, ...extras.map((name) => `./${name}`), '-C', pgDir, ...walFiles.map((name) => `./pg_wal/${name}`)], [0]);
}

/** WAL segments from the one holding the start LSN through the one holding the stop LSN, plus timeline history. */
async function walNeeded(client: pg.PoolClient, pgDir: string, startLsn: string, stopLsn: string): Promise<string[]> {
  const { rows } = await client.query<{ first: string; last: string }>(
    'SELECT pg_walfile_name($1::pg_lsn) AS first, pg_walfile_name($2::pg_lsn) AS last',
    [startLsn, stopLsn],
  );
  const { first, last } = rows[0]!;
  const present = fs.readdirSync(path.join(pgDir, 'pg_wal'));
  const segments = present.filter((name) => WAL_SEGMENT.test(name) && name >= first && name <= last).sort();
  if (segments[0] !== first || segments.at(-1) !== last) {
    throw new StartupError(`WAL needed by the backup (${first} to ${last}) is no longer in ${pgDir}/pg_wal`);
  }
  return [...present.filter((name) => TIMELINE_HISTORY.test(name)).sort(), ...segments];
}

async function* runTar(args: string[], okExitCodes: number[]): AsyncGenerator<Buffer> {
  const child = spawn('tar', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // Resolved, never rejected: nothing awaits it until stdout is drained.
  const exit = new Promise<number | Error>((resolve) => {
    child.on('error', resolve);
    child.on('close', (code) => resolve(code ?? -1));
  });
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
  } finally {
    if (child.exitCode === null) child.kill();
  }
  const outcome = await exit;
  if (outcome instanceof Error) throw new StartupError(`cannot run tar: ${outcome.message}`);
  if (!okExitCodes.includes(outcome)) throw new StartupError(`tar failed: ${firstLine(stderr) || `exit code ${outcome}`}`);
}

/** A tar stream minus its end-of-archive marker, so that a second archive can follow it. */
async function* withoutEndOfArchive(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let held = Buffer.alloc(0);
  for await (const chunk of source) {
    const joined = Buffer.concat([held, chunk]);
    const cut = Math.max(0, joined.length - END_OF_ARCHIVE);
    if (cut > 0) yield joined.subarray(0, cut);
    held = Buffer.from(joined.subarray(cut));
  }
  if (held.length !== END_OF_ARCHIVE || held.some((byte) => byte !== 0)) throw new Error('tar output did not end with an end-of-archive marker');
}

async function writeDump(database: Database, temp: string): Promise<void> {
  const url = database.connection.connectionString;
  if (!url) throw new Error('pg_dump backup needs a DATABASE_URL connection');
  const { rows } = await database.pool.query<{ server_version_num: string }>('SHOW server_version_num');
  const serverMajor = Math.floor(Number(rows[0]!.server_version_num) / 10000);
  const needed = `pg_dump ${serverMajor} or newer (PostgreSQL ${serverMajor} client tools) on PATH`;

  let version: string;
  try {
    version = (await execFileAsync('pg_dump', ['--version'])).stdout;
  } catch {
    throw new StartupError(`pg_dump was not found; backing up this database needs ${needed}`);
  }
  const dumpMajor = Number(/PostgreSQL\)\s*(\d+)/.exec(version)?.[1] ?? 0);
  if (dumpMajor < serverMajor) {
    const found = dumpMajor ? `pg_dump ${dumpMajor}` : `pg_dump of unknown version (${version.trim()})`;
    throw new StartupError(`${found} cannot dump a PostgreSQL ${serverMajor} server; backing up this database needs ${needed}`);
  }

  fs.closeSync(fs.openSync(temp, 'wx', 0o600)); // pg_dump truncates and keeps this mode
  const { dbname, password } = withoutPassword(url);
  const env = password ? { ...process.env, PGPASSWORD: password } : process.env;
  const dump = await runTool('pg_dump', ['--format=custom', `--file=${temp}`, `--dbname=${dbname}`], env);
  if (dump.code !== 0) throw new StartupError(`pg_dump failed: ${firstLine(dump.stderr) || `exit code ${dump.code}`}`);
}

/** The password goes to pg_dump through its environment: a command line is visible to every local user. */
function withoutPassword(url: string): { dbname: string; password: string | undefined } {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return { dbname: url, password: undefined };
    const password = decodeURIComponent(parsed.password);
    parsed.password = '';
    return { dbname: parsed.toString(), password };
  } catch {
    return { dbname: url, password: undefined };
  }
}

/**
 * Unpacks a physical backup into `dataDir/pg`. The next start of the embedded PostgreSQL finds
 * backup_label, replays the WAL shipped in the archive up to the end of the backup, and comes
 * up with everything committed before pg_backup_stop.
 */
export async function restoreDatabase(file: string, dataDirInput: string, log: Logger): Promise<void> {
  const dataDir = path.resolve(dataDirInput);
  const source = path.resolve(file);
  if (!fs.existsSync(source)) throw new StartupError(`backup file ${source} does not exist`);
  const pgDir = path.join(dataDir, 'pg');
  refuseExistingCluster(pgDir);
  ensureWritableDir(dataDir);
  // Held while we unpack, so a Vafa started meanwhile cannot initdb over us, and we refuse
  // when a live Vafa owns this directory.
  const releaseLock = acquireDataDirLock(dataDir);
  const scratch = path.join(dataDir, 'pg.restore');
  try {
    refuseExistingCluster(pgDir);
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.mkdirSync(scratch, { mode: 0o700 });
    log.info({ file: source, pgDir }, 'unpacking backup');
    // Ownership is set below for the postgres user of this machine, not taken from the archive.
    const { stderr, code } = await runTool('tar', ['-xzf', source, '-C', scratch, '--no-same-owner'], { ...process.env, LC_ALL: 'C' });
    if (code !== 0) throw new StartupError(`cannot unpack backup ${source}: ${firstLine(stderr) || `tar exit code ${code}`}`);
    const manifest = readManifest(scratch, source);
    fs.rmSync(path.join(scratch, MANIFEST)); // ours, not PostgreSQL's

    for (const dir of RESTORED_DIRS) fs.mkdirSync(path.join(scratch, dir), { recursive: true, mode: 0o700 });
    fs.chmodSync(scratch, 0o700); // PostgreSQL refuses a data directory others can read
    const runAs = await postgresUser();
    chownTree(scratch, runAs);
    if (runAs.uid !== undefined) fs.chmodSync(dataDir, 0o755); // as embedded.ts does at initdb: postgres must reach pg/
    // tar does not fsync: flush before the rename makes the cluster look complete.
    await execFileAsync('sync', ['--file-system', scratch]);
    fs.renameSync(scratch, pgDir);
    fsyncPath(dataDir);
    log.info({ pgDir, takenAt: manifest.createdAt, pgVersion: manifest.pgVersion }, 'backup restored; PostgreSQL finishes recovery on its next start');
  } catch (err) {
    fs.rmSync(scratch, { recursive: true, force: true });
    throw err;
  } finally {
    releaseLock();
  }
}

function refuseExistingCluster(pgDir: string): void {
  if (fs.existsSync(path.join(pgDir, 'PG_VERSION'))) {
    throw new StartupError(`${pgDir} already holds a PostgreSQL cluster; restore into an empty VAFA_DATA_DIR, or move ${pgDir} away first`);
  }
  if (fs.existsSync(pgDir)) throw new StartupError(`${pgDir} exists; move it away before restoring`);
}

function readManifest(dir: string, source: string): BackupManifest {
  let manifest: Partial<BackupManifest>;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as Partial<BackupManifest>;
  } catch {
    throw new StartupError(`${source} is not a Vafa backup (no ${MANIFEST} inside)`);
  }
  if (manifest.format !== 1 || manifest.method !== 'physical' || !fs.existsSync(path.join(dir, 'backup_label'))) {
    throw new StartupError(`${source} is not a Vafa physical backup this version can restore`);
  }
  return manifest as BackupManifest;
}

async function runTool(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (err) => resolve({ code: -1, stderr: err.message }));
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

/** fsync works on a file or a directory; a directory makes a rename durable. */
function fsyncPath(target: string): void {
  const fd = fs.openSync(target, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** tar and pg_dump print the cause first and a summary ("Exiting with failure status") last. */
function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
