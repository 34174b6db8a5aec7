import { publicBaseUrl } from '../../platform/config.ts';
import { PollingLoop } from '../../platform/jobs/polling-loop.ts';
import type { BackgroundWorker, ModuleDeps } from '../../platform/module.ts';
import { runDueDistributions } from './distribution.service.ts';
import { issuePendingInvitations, sendDueReminders, type IssuerContext } from './invitation.service.ts';

// Background loops of worker processes. Each claims its rows with SKIP LOCKED in a transaction,
// so several workers share the work, none does a row twice, and a crash redoes a batch whole.

const issuerContext = (deps: ModuleDeps): IssuerContext => ({ database: deps.database, secrets: deps.config, publicUrl: publicBaseUrl(deps.config) });

/** Due distribution waves, then the invitations they (and send_survey actions) decided, within a second or two. */
export function invitationWorker(deps: ModuleDeps): BackgroundWorker {
  const ctx = issuerContext(deps);
  const loop = new PollingLoop({
    intervalMs: 1_000,
    log: deps.log,
    failure: 'survey invitations failed; retrying',
    step: async () => {
      const now = new Date();
      const waves = await runDueDistributions(deps.database, now);
      const issued = await issuePendingInvitations(ctx, now);
      return waves > 0 || issued > 0;
    },
  });
  return { name: 'survey-invitations', start: async () => loop.start(), stop: () => loop.stop() };
}

/** Reminders to those who have not answered, checked every minute (their delays are in hours). */
export function reminderWorker(deps: ModuleDeps): BackgroundWorker {
  const ctx = issuerContext(deps);
  const loop = new PollingLoop({
    intervalMs: 60_000,
    log: deps.log,
    failure: 'survey reminders failed; retrying',
    step: async () => (await sendDueReminders(ctx)) > 0,
  });
  return { name: 'survey-reminders', start: async () => loop.start(), stop: () => loop.stop() };
}
