import type { LoyaltyProgramSettings, LoyaltySimulation, LoyaltySimulationView } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { Problem, invalidField, notFound } from '../../platform/http/problem.ts';
import { quoteOrder } from './earning.service.ts';
import { customerStanding } from './ledger.repo.ts';
import { checkSettings, findProgram } from './program.service.ts';

// "This order would earn…": the program editor's simulator. The same quote the real earning
// books (quoteOrder), by the saved settings or by settings not yet saved, and nothing written:
// no member opened, no order claimed, no award, no ledger entry.

/**
 * Simulates an order in a program (`programId`) or in a program being created (null: the
 * settings are the draft's). Sent settings are checked as a save would check them.
 */
export async function simulateOrder(db: Executor, tenantId: string, programId: string | null, input: LoyaltySimulation, now: Date): Promise<LoyaltySimulationView> {
  const ids = input.lines.map((l) => l.id);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated !== undefined) throw invalidField('lines', 'order_line_repeated', { id: repeated });

  let settings: LoyaltyProgramSettings;
  let version: number | null = null;
  if (programId !== null) {
    const program = await findProgram(db, tenantId, programId);
    if (!program) throw notFound();
    settings = input.settings ?? program.settings;
    if (!input.settings) version = program.version;
  } else {
    if (!input.settings) throw invalidField('settings', 'required');
    settings = input.settings;
  }
  if (input.settings) checkSettings(input.settings);

  if (input.customerId !== undefined) {
    const standing = await customerStanding(db, tenantId, input.customerId);
    if (!standing || standing.erasedAt) throw invalidField('customerId', 'unknown_customer');
    if (standing.mergedInto) throw new Problem(409, 'customer_merged');
  }

  const quote = await quoteOrder(db, { tenantId, now }, programId, settings, input.customerId ?? null, input.lines);
  return {
    programId, programVersion: version,
    lines: quote.lines,
    exact: { numerator: quote.exact.num.toString(), denominator: quote.exact.den.toString() },
    rounding: settings.spend?.rounding ?? null,
    pointsBeforeCaps: quote.pointsBeforeCaps,
    earnedToday: quote.earnedToday,
    points: quote.points,
    capped: quote.capped,
    pendingUntil: quote.pendingUntil?.toISOString() ?? null,
    expiresAt: quote.expiresAt?.toISOString() ?? null,
    at: now.toISOString(),
  };
}
