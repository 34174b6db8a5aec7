import pino, { type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

/**
 * The process logger. A person at a terminal reads lines ("12:00:01 INFO listening on …");
 * a log collector reading a pipe or a file gets one JSON object per line. Pretty-printing is
 * synchronous on the main thread so the first-start banner and a crash's last words are never
 * lost in a worker thread's buffer.
 */
export function createLogger(level: LevelWithSilent, output: NodeJS.WriteStream = process.stdout): Logger {
  if (!output.isTTY) return pino({ level });
  return pino({ level }, pretty({ destination: output, sync: true, colorize: output.hasColors?.() ?? false, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }));
}
