import type { Database } from '../../platform/db/connect.ts';
import { StartupError } from '../../platform/startup-error.ts';
import { verifyLedger } from './ledger-verify.service.ts';

/**
 * `vafa loyalty verify [--workspace SLUG]`: the ledger of one workspace, or of every one, checked
 * as the API's verify checks it. One JSON line per workspace on stdout, a summary on stderr;
 * answers whether every ledger is clean (the command exits 1 when one is not).
 */
export async function runLoyaltyVerifyCommand(options: { database: Database; workspaceSlug?: string | undefined; write?: (line: string) => void; say?: (line: string) => void }): Promise<boolean> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { rows: workspaces } = options.workspaceSlug === undefined
    ? await options.database.pool.query<{ id: string; slug: string }>('SELECT id, slug FROM workspaces ORDER BY created_at, id')
    : await options.database.pool.query<{ id: string; slug: string }>('SELECT id, slug FROM workspaces WHERE slug = $1', [options.workspaceSlug]);
  if (options.workspaceSlug !== undefined && workspaces.length === 0) throw new StartupError(`no workspace with the slug "${options.workspaceSlug}"`);
  const drifted: string[] = [];
  const started = Date.now();
  for (const workspace of workspaces) {
    // One snapshot per workspace, so writes going on meanwhile cannot look like drift.
    const report = await options.database.db.transaction((tx) => verifyLedger(tx, workspace.id, new Date()), { isolationLevel: 'repeatable read', accessMode: 'read only' });
    if (!report.ok) drifted.push(workspace.slug);
    write(JSON.stringify({ workspace: workspace.slug, ...report }));
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  say(drifted.length === 0
    ? `loyalty ledger: ${workspaces.length} workspace(s) verified in ${seconds} s, no drift`
    : `loyalty ledger: DRIFT in ${drifted.length} of ${workspaces.length} workspace(s): ${drifted.join(', ')}`);
  return drifted.length === 0;
}
