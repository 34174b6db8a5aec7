import type { Logger } from 'pino';

/**
 * Runs `step` again at once while it finds work, else after `intervalMs`; an error is logged and
 * retried on the next turn. `stop` lets the step in hand finish. The outbox relay and the
 * delayed-run worker poll a partial index this way rather than LISTEN/NOTIFY (see OutboxRelay).
 */
export class PollingLoop {
  private running = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly options: { intervalMs: number; log: Logger; failure: string; step: () => Promise<boolean> },
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (await this.options.step()) continue;
      } catch (err) {
        this.options.log.error({ err }, this.options.failure);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.intervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }
}
