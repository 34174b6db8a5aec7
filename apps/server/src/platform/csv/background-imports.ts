import type { Logger } from 'pino';

/**
 * Imports this process runs after answering their upload with 202. Progress lives in the
 * database, so any process can report it; this only lets a shutdown stop them between batches
 * (each then ends `failed`, interrupted) instead of cutting them off mid-transaction.
 */
export class BackgroundImports {
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();

  constructor(private readonly log: Logger) {}

  start(importId: string, run: (signal: AbortSignal) => Promise<unknown>): void {
    const controller = new AbortController();
    const done = run(controller.signal)
      .then(() => undefined)
      .catch((err: unknown) => this.log.warn({ err, importId }, 'background import ended with an error'))
      .finally(() => this.running.delete(importId));
    this.running.set(importId, { controller, done });
  }

  /** Resolves once every import started here has stopped. */
  async stopAll(): Promise<void> {
    const all = [...this.running.values()];
    for (const { controller } of all) controller.abort();
    await Promise.all(all.map((r) => r.done));
  }

  /** Resolves when the import is no longer running here (tests, the CLI). */
  async settled(importId: string): Promise<void> {
    await this.running.get(importId)?.done;
  }
}
