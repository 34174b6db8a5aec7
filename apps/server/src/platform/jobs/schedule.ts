// Recurring jobs, sent by a timer of this process per schedule rather than by pg-boss's cron
// monitor. That monitor parses every schedule's expression and walks it back to its last run
// (cron-parser with a time zone) every 30 seconds in every process: measured here, 45–230 ms of
// synchronous work a pass for Vafa's schedules on a quiet machine and up to 2.6 s under load,
// during which every request in flight waits; it was the longest stall in a CPU profile under the
// loyalty redemption load. A timer parses its one expression once per run instead.
import cronParser from 'cron-parser';

/** The first instant after `after` that the cron expression (UTC) names. */
export function nextRunAt(expression: string, after: Date): Date {
  return cronParser.parseExpression(expression, { currentDate: after, tz: 'UTC' }).next().toDate();
}

/** Throws when the expression is not a cron expression (at definition time, not at the first run). */
export function checkCronExpression(expression: string): void {
  cronParser.parseExpression(expression, { tz: 'UTC' });
}

/**
 * Calls `send` at every instant the expression names, from now until `stop`. A run that fails is
 * logged by `send` itself; the next one is scheduled regardless. Processes that each run the same
 * schedule all call `send` at about the same instant: the caller makes that one job (a singleton
 * key per minute).
 */
export function everyRun(expression: string, send: (at: Date) => Promise<void>, now: () => Date = () => new Date()): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const arm = () => {
    if (stopped) return;
    const at = nextRunAt(expression, now());
    timer = setTimeout(() => {
      void send(at).finally(arm);
    }, Math.max(0, at.getTime() - now().getTime()));
    // A schedule never keeps the process alive on its own.
    timer.unref();
  };
  arm();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
