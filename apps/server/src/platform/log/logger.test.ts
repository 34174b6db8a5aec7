import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY, hasColors: () => false }) as unknown as NodeJS.WriteStream;
  let text = '';
  (stream as unknown as PassThrough).on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describe('process logger', () => {
  it('writes readable lines to a terminal', async () => {
    const out = capture(true);
    createLogger('info', out.stream).info({ port: 3000 }, 'listening on http://127.0.0.1:3000');
    await expect.poll(out.text, { timeout: 60_000 }).toMatch(/INFO.*listening on http:\/\/127\.0\.0\.1:3000/);
    expect(out.text().trimStart().startsWith('{')).toBe(false);
  });

  it('writes one JSON object per line when the output is not a terminal', async () => {
    // A child's stdout is a pipe, as under a log collector.
    const { spawnSync } = await import('node:child_process');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', "import('./apps/server/src/platform/log/logger.ts').then(m => m.createLogger('info').info({ port: 1 }, 'hello'))"], { encoding: 'utf8' });
    const line = JSON.parse(run.stdout.trim().split('\n')[0]!);
    expect(line).toMatchObject({ level: 30, msg: 'hello', port: 1 });
  });
});
