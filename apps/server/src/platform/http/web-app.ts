import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { App } from './server.ts';

interface BuildLog {
  info(msg: string): void;
  info(obj: object, msg?: string): void;
  warn(msg: string): void;
  warn(obj: object, msg?: string): void;
}

/** The newest modification time of any file under `dir` (0 if it does not exist). */
function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Whether `webDir/dist` is missing or older than the sources and configuration it is built from. */
export function webBuildIsStale(webDir: string): boolean {
  const builtIndex = path.join(webDir, 'dist', 'index.html');
  if (!existsSync(builtIndex)) return true;
  const built = statSync(builtIndex).mtimeMs;
  const inputs = [
    newestMtime(path.join(webDir, 'src')),
    ...['index.html', 'vite.config.ts', 'package.json'].map((f) => (existsSync(path.join(webDir, f)) ? statSync(path.join(webDir, f)).mtimeMs : 0)),
  ];
  return Math.max(...inputs) > built;
}

/**
 * Builds the web app with Vite when its production build is missing or stale (used by
 * `npm start`). Runs Vite in a child process so its bundler never stays in the server's memory.
 */
export async function ensureWebBuild(webDir: string, log: BuildLog): Promise<void> {
  if (!webBuildIsStale(webDir)) return;
  let viteBin: string;
  try {
    const vitePackage = createRequire(path.join(webDir, 'package.json')).resolve('vite/package.json');
    viteBin = path.join(path.dirname(vitePackage), 'bin', 'vite.js');
  } catch {
    if (existsSync(path.join(webDir, 'dist', 'index.html'))) {
      log.warn('the web app sources changed but Vite is not installed; serving the existing build');
      return;
    }
    throw new Error('the web app is not built and Vite is not installed: run `npm install` first');
  }
  const started = Date.now();
  log.info('building the web app (apps/web) with Vite…');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], { cwd: webDir, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the web app build failed (vite exited with ${code})`))));
  });
  log.info({ ms: Date.now() - started }, 'web app built');
}

const HASHED_ASSET = /^assets\/[\w.-]+$/;

/**
 * Serves the built single-page app from `distDir`: hashed files under /assets/ are cached for a
 * year (their names change with their content), index.html is revalidated on every load, and
 * any other GET outside /api falls back to index.html so deep links work.
 */
export async function registerWebApp(app: App, distDir: string): Promise<void> {
  // Without a build (API-only tests, a worker) there is nothing to serve; `npm start` builds first.
  if (!existsSync(path.join(distDir, 'index.html'))) {
    app.log.warn({ distDir }, 'web app not built: serving the API only');
    return;
  }
  await app.register(fastifyStatic, { root: distDir, serve: false, decorateReply: true });
  // Static files of our own app: a page load fetches several, so the anonymous-request limit
  // (meant for login and other public API routes) should not apply. Takes effect once the
  // access hook in server.ts keeps an explicit `rateLimit: false`.
  const config = { access: 'public', rateLimit: false } as const;

  app.get('/assets/*', { config, schema: { hide: true } }, (request, reply) => {
    const file = `assets/${(request.params as { '*': string })['*']}`;
    if (!HASHED_ASSET.test(file)) return reply.callNotFound();
    return reply.sendFile(file, { immutable: true, maxAge: '365d', cacheControl: true });
  });

  const sendIndex = (reply: FastifyReply) =>
    reply.header('Cache-Control', 'no-cache').sendFile('index.html', { cacheControl: false });

  app.get('/', { config, schema: { hide: true } }, (_request, reply) => sendIndex(reply));
  app.get('/*', { config, schema: { hide: true } }, (request, reply) => {
    const url = request.url.split('?')[0] ?? '/';
    // The API and its documentation answer for themselves; a missing file is a 404, not the app.
    if (url === '/api' || url.startsWith('/api/') || /\.[a-z0-9]{1,8}$/i.test(url)) return reply.callNotFound();
    return sendIndex(reply);
  });
}
