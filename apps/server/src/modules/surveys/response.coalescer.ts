import type { Database } from '../../platform/db/connect.ts';
import {
  planCompletion, saveCompletions, saveResponse, type AnswerSubmission, type GroupOutcome, type PlannedCompletion, type SavedResponse,
} from './response.service.ts';
import { ROLLUP_SHARDS } from './rollup.repo.ts';
import type { LiveSurvey } from './survey-version.ts';

interface Waiting {
  planned: PlannedCompletion;
  resolve(saved: SavedResponse): void;
  reject(error: unknown): void;
}

/**
 * Group commit for survey answers (the public answer API and the response page). Each answer
 * is checked in memory as it arrives; answers to one workspace that arrive while a group of
 * its is being written are written together in the next group, set-based
 * (`saveCompletions`: eight statements per group instead of ~19 per answer), and each still
 * gets its own outcome. At low load nothing waits: a group of one is written at once.
 *
 * Only new complete answers come here (`groupable`); steps, edits, quotas and kiosks go through
 * `saveResponse` one by one. Two answers of a group with the same client reference or the same
 * invitation are not written side by side: the later one goes through `saveResponse` after the
 * group, where it finds the first (a replay, or 409 already_answered). A group whose transaction
 * fails is retried one answer per transaction, so one answer's database error (say, its customer
 * erased meanwhile) never fails its neighbours.
 *
 * maxGroup 100, maxInFlight 1, measured with the load of bench/survey-respond.bench.ts (50
 * connections, one invitation each) on a shared two-core machine, by what does not depend on the
 * machine's other load: statements and CPU per answer (the request path alone, API role). One
 * group in flight: 0.41 statements, 0.5 ms of Node and 1.0 ms of PostgreSQL CPU per answer;
 * two: 1.03 statements, 0.77 + 1.12 ms; three: 1.58, 0.93 + 1.40 ms. The two cores are the limit,
 * and a larger group costs less per answer; groups no longer wait on each other's rollup rows
 * (each takes its own shard), so a second group in flight would only split the queue.
 */
export class ResponseCoalescer {
  private readonly queues = new Map<string, { waiting: Waiting[]; inFlight: number }>();
  /** groups take rollup shards in turn, so groups in flight do not share rollup rows */
  private nextShard = 0;
  /** groups written, the largest, and groups that failed and were saved one by one (for tests and tuning) */
  readonly stats = { groups: 0, largest: 0, fallbacks: 0 };

  constructor(
    private readonly database: Database,
    private readonly options: { maxGroup: number; maxInFlight: number } = { maxGroup: 100, maxInFlight: 1 },
  ) {}

  /** Saves a new complete answer (checked by `groupable`) to `live`, the version it answers. */
  save(input: AnswerSubmission, live: LiveSurvey): Promise<SavedResponse> {
    const planned = planCompletion(input, live);
    let queue = this.queues.get(input.tenantId);
    if (!queue) {
      queue = { waiting: [], inFlight: 0 };
      this.queues.set(input.tenantId, queue);
    }
    const promise = new Promise<SavedResponse>((resolve, reject) => queue!.waiting.push({ planned, resolve, reject }));
    this.drain(input.tenantId);
    return promise;
  }

  private drain(tenantId: string): void {
    const queue = this.queues.get(tenantId);
    if (!queue) return;
    while (queue.waiting.length > 0 && queue.inFlight < this.options.maxInFlight) {
      const group = queue.waiting.splice(0, this.options.maxGroup);
      queue.inFlight++;
      void this.commit(tenantId, group).finally(() => {
        queue.inFlight--;
        if (queue.waiting.length === 0 && queue.inFlight === 0) this.queues.delete(tenantId);
        else this.drain(tenantId);
      });
    }
  }

  private async commit(tenantId: string, all: Waiting[]): Promise<void> {
    // One answer per client reference and per invitation in the group; the later ones after it.
    const seen = new Set<string>();
    const group: Waiting[] = [];
    const after: Waiting[] = [];
    for (const waiting of all) {
      const { input } = waiting.planned;
      const keys = [input.clientRef ? `ref\0${input.surveyId}\0${input.clientRef}` : '', input.invitationId ? `inv\0${input.invitationId}` : ''].filter(Boolean);
      if (keys.some((k) => seen.has(k))) {
        after.push(waiting);
        continue;
      }
      for (const k of keys) seen.add(k);
      group.push(waiting);
    }

    let outcomes: GroupOutcome[] | undefined;
    this.stats.groups++;
    this.stats.largest = Math.max(this.stats.largest, group.length);
    try {
      const shard = this.nextShard++ % ROLLUP_SHARDS;
      outcomes = await this.database.db.transaction((tx) => saveCompletions(tx, tenantId, group.map((w) => w.planned), { shard }));
    } catch {
      this.stats.fallbacks++;
      // Whatever failed the group (a row refused by a constraint, an erased customer) fails one answer below.
      after.push(...group);
    }
    outcomes?.forEach((outcome, i) => {
      const waiting = group[i]!;
      if ('saved' in outcome) waiting.resolve(outcome.saved);
      else if ('problem' in outcome) waiting.reject(outcome.problem);
      else after.push(waiting);
    });
    // In arrival order, so of two answers through one invitation the first is the one saved.
    const order = new Map(all.map((w, i) => [w, i]));
    after.sort((a, b) => order.get(a)! - order.get(b)!);
    for (const waiting of after) {
      await this.database.db.transaction((tx) => saveResponse(tx, waiting.planned.input)).then(waiting.resolve, waiting.reject);
    }
  }
}
