// Starts a fresh Vafa (embedded PostgreSQL in a temp dir, demo workspace) and Debian's Chromium
// for the browser tests. Nothing is downloaded: the browser is /usr/bin/chromium.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { ensureWebBuild } from '../apps/server/src/platform/http/web-app.ts';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const WEB_DIR = path.join(ROOT, 'apps/web');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningVafa {
  /** where the browser goes: the server itself, or the fallback proxy (see below) */
  baseUrl: string;
  apiUrl: string;
  email: string;
  password: string;
  servesWebApp: boolean;
  stop(): Promise<void>;
}

const quietLog = { info: () => undefined, warn: (msg: unknown) => console.warn(msg) };

/**
 * A migrated, cleanly stopped embedded cluster (scripts/test.mjs makes it once per run with
 * `vafa migrate`). Each start copies it instead of running initdb and every migration again:
 * on a busy machine a start took 35-45 s from the copy against 44-65 s from nothing.
 * Without it (one file run by hand) each server makes its own cluster, as a user's first start does.
 */
function seedFromTemplate(dataDir: string): void {
  const template = process.env.VAFA_E2E_TEMPLATE_DIR;
  if (!template || !existsSync(path.join(template, 'pg', 'PG_VERSION'))) return;
  // cp -a keeps the owner: as root, the embedded PostgreSQL runs as `postgres` and owns pg/.
  execFileSync('cp', ['-a', path.join(template, 'pg'), path.join(dataDir, 'pg')]);
  // As embedded.ts does at initdb: `postgres` must reach pg/ inside the (root-owned) data directory.
  if (process.getuid?.() === 0) chmodSync(dataDir, 0o755);
}

export async function startVafa(options: { customers?: number; env?: Record<string, string> } = {}): Promise<RunningVafa> {
  await ensureWebBuild(WEB_DIR, quietLog as never);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vafa-e2e-'));
  seedFromTemplate(dataDir);
  // A test that must know the port before the server starts (a redirect URI registered elsewhere) passes PORT.
  const port = options.env?.PORT ? Number(options.env.PORT) : await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts', 'start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      VAFA_DATA_DIR: dataDir,
      VAFA_DEMO: 'true',
      VAFA_DEMO_CUSTOMERS: String(options.customers ?? 40),
      // Each file makes the programs and cases it tests (an active demo program would be a second one).
      VAFA_DEMO_PROGRAMS: 'false',
      PORT: String(port),
      HOST: '127.0.0.1',
      // Every page load fetches a few public files (index.html, hashed assets); tests load many.
      VAFA_ANON_RATE_LIMIT: '100000',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });

  const apiUrl = `http://127.0.0.1:${port}`;
  const stopChild = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 20_000);
        child.once('exit', () => { clearTimeout(timer); resolve(); });
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + 300_000;
    let login: RegExpMatchArray | null = null;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`vafa exited with ${child.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`vafa did not start in time:\n${output}`);
      login ??= /Sign in as (\S+) with password (\S+)/.exec(output);
      if (login) {
        const ready = await fetch(`${apiUrl}/ready`).then((r) => r.ok, () => false);
        if (ready) break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    // The browser talks to the real server, which serves the built app and the API on one origin.
    const servesWebApp = await fetch(`${apiUrl}/customers`).then(async (r) => r.ok && (await r.text()).includes('<div id="root">'), () => false);
    if (!servesWebApp) throw new Error(`vafa does not serve the web app at ${apiUrl}:\n${output}`);
    return {
      baseUrl: apiUrl,
      apiUrl,
      email: login![1]!,
      password: login![2]!,
      servesWebApp,
      stop: stopChild,
    };
  } catch (err) {
    await stopChild();
    throw err;
  }
}

/**
 * How long a wait for an element or a response may take before the test fails. Playwright's 30 s
 * was too short in CI: the browser tests share two cores with both server suites, and a dry run of
 * an automation once took longer than that (a screen that never answers still fails, later).
 */
export const WAIT_MS = 90_000;

/** Each page's requests in flight and when that count last changed (see `screenshot`). */
const network = new WeakMap<Page, { inFlight: number; changedAt: number }>();

function trackNetwork(context: BrowserContext): void {
  const count = (request: Request, delta: number) => {
    let page: Page | null;
    try { page = request.frame().page(); } catch { return; } // a service worker's request has no frame
    const state = network.get(page) ?? { inFlight: 0, changedAt: 0 };
    state.inFlight = Math.max(0, state.inFlight + delta);
    state.changedAt = Date.now();
    network.set(page, state);
  };
  context.on('request', (request) => count(request, 1));
  context.on('requestfinished', (request) => count(request, -1));
  context.on('requestfailed', (request) => count(request, -1));
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  // Every context (browser.newPage makes one through newContext too) gets the busy-machine deadline.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.setDefaultTimeout(WAIT_MS);
    trackNetwork(context);
    return context;
  };
  return browser;
}

export const SHOTS = path.join(ROOT, 'test-output', 'screenshots');
const AXE = readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the page and fails on any serious or critical violation, naming where. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  // Once per document: a walk through client-side routes reuses it.
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: object, o: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[]; html: string }[] }[] }> } }).axe;
    // React Aria's visually hidden live announcer keeps transient messages that point at labels
    // of elements already gone (after a navigation); it is not part of the page's content.
    return axe.run({ exclude: [['[data-live-announcer]']] }, { resultTypes: ['violations'] });
  });
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious.map((v) => `${name}: ${v.id} (${v.impact}) at ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)}`).join(', ')}`), []);
}

/**
 * Until the page has had no request in flight for 500 ms (Playwright's "networkidle"), or `timeoutMs`.
 * Playwright's own load state is enough after a page load, but after a client-side navigation that
 * adds a frame (the survey builder's preview) the page never reaches it again and every screenshot
 * waited the whole 30 s; the harness's count of the page's requests (launchChromium) settles it.
 */
async function networkIdle(page: Page, timeoutMs: number): Promise<void> {
  let waiting = true;
  const quiet = (async () => {
    for (const deadline = Date.now() + timeoutMs; waiting && Date.now() < deadline;) {
      const state = network.get(page);
      if (state && state.inFlight === 0 && Date.now() - state.changedAt >= 500) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await Promise.race([page.waitForLoadState('networkidle', { timeout: timeoutMs }).catch(() => undefined), quiet]);
  waiting = false;
}

/** A screenshot in test-output/screenshots once the page has settled and its fonts loaded. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  // Best effort, as long as before the contexts' longer waits (WAIT_MS): a page that polls is never idle.
  await networkIdle(page, 30_000);
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: options.fullPage ?? false });
}

/**
 * Asks `probe` again every 200 ms until it answers something truthy, and returns that; fails
 * naming `what` after a generous deadline (CI shares two cores with everything else).
 */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Latin-script words a fa/ar screen shows outside people's own text and codes (bdi, ltr, inputs,
 * another language's marked text), as e2e/every-route.e2e.ts checks, with the acronyms it allows.
 */
export async function latinWordsOnScreen(page: Page): Promise<string[]> {
  const words = await page.evaluate(() => {
    const EXEMPT = 'bdi, [dir="ltr"], [translate="no"], [data-allow-latin], script, style, input, textarea, [data-live-announcer]';
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest(EXEMPT) || !parent.checkVisibility()) continue;
      const marked = parent.closest('[lang]');
      if (marked && marked !== document.documentElement && marked.getAttribute('lang') !== document.documentElement.lang) continue;
      for (const word of (node.textContent ?? '').match(/\p{Script=Latin}{2,}/gu) ?? []) found.push(`${word} (${(node.textContent ?? '').trim().slice(0, 50)})`);
    }
    for (const el of document.body.querySelectorAll('[aria-label]')) {
      if (el.closest(EXEMPT) || !(el as HTMLElement).checkVisibility()) continue;
      for (const word of (el.getAttribute('aria-label') ?? '').match(/\p{Script=Latin}{2,}/gu) ?? []) found.push(`${word} (aria-label)`);
    }
    return found;
  });
  // the acronyms every-route.e2e.ts allows on fa/ar screens
  return words.filter((w) => !['NPS', 'API', 'SMS'].includes(w.split(' ')[0]!));
}

/** Fails when the page is wider than the screen (a phone would scroll sideways). */
export async function noSidewaysScroll(page: Page, name: string): Promise<void> {
  const width = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, view: window.innerWidth }));
  assert.ok(width.scroll <= width.view, `${name}: ${width.scroll - width.view}px wider than the screen`);
}
