import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/eventually.ts';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import { PUBLIC_UPLOADS_IN_PROCESS, PUBLIC_UPLOADS_PER_ADDRESS, publicUploadGate } from './public-upload-gate.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

const BOUNDARY = '----vafa-gate';
const URL = '/api/public/complaints/with-attachments';

/** An upload whose body is still coming: the route holds its place until the body ends. */
function slowUpload(address: string) {
  const body = new PassThrough();
  body.write(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="workspace"\r\n\r\nnowhere\r\n`);
  const answer = t.app.inject({ method: 'POST', url: URL, headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, payload: body, remoteAddress: address });
  // The rest of a form that names no workspace of this instance: read whole, then refused (4xx).
  const finish = async () => {
    body.end(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="name"\r\n\r\nمریم\r\n--${BOUNDARY}--\r\n`);
    return answer;
  };
  return { answer, finish };
}

const quick = (address: string) => t.app.inject({
  method: 'POST', url: URL, remoteAddress: address, headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'accept-language': 'fa' },
  payload: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="name"\r\n\r\nمریم\r\n--${BOUNDARY}--\r\n`,
});

describe('the public upload gate', () => {
  it('bounds the anonymous uploads read at once per address and per process, answering 429 uploads_busy before the body is read, and lets the next in once one ends', async () => {
    // Per address: two slow uploads from one shop fill its share; a third is turned away at once, another address is not.
    const shop = Array.from({ length: PUBLIC_UPLOADS_PER_ADDRESS }, () => slowUpload('10.61.0.1'));
    await eventually(async () => publicUploadGate.reading === PUBLIC_UPLOADS_PER_ADDRESS, 'the shop\'s uploads being read');
    const turnedAway = await quick('10.61.0.1');
    expect(turnedAway.statusCode).toBe(429);
    expect(turnedAway.json()).toMatchObject({ code: 'uploads_busy' });
    expect(turnedAway.json().detail).toMatch(/[\u0600-\u06FF]/);
    expect(turnedAway.headers['retry-after']).toBe('5');
    const elsewhere = await quick('10.61.0.2');
    expect(elsewhere.json().code).not.toBe('uploads_busy');
    expect(elsewhere.statusCode).toBeLessThan(500);

    // Per process: the rest of the places taken from other addresses; then even a new address waits.
    const others = Array.from({ length: PUBLIC_UPLOADS_IN_PROCESS - PUBLIC_UPLOADS_PER_ADDRESS }, (_, i) => slowUpload(`10.61.1.${i + 1}`));
    await eventually(async () => publicUploadGate.reading === PUBLIC_UPLOADS_IN_PROCESS, 'every place taken');
    expect((await quick('10.61.2.1')).json().code).toBe('uploads_busy');

    // One ends (refused as a form, not by the gate): its place is free again, for its own address too.
    const ended = await shop[0]!.finish();
    expect(ended.statusCode).toBeGreaterThanOrEqual(400);
    expect(ended.statusCode).toBeLessThan(500);
    expect(ended.json().code).not.toBe('uploads_busy');
    await eventually(async () => publicUploadGate.reading === PUBLIC_UPLOADS_IN_PROCESS - 1, 'the ended upload\'s place given back');
    const admitted = await quick('10.61.0.1');
    expect(admitted.json().code).not.toBe('uploads_busy');

    await Promise.all([shop[1]!.finish(), ...others.map((o) => o.finish())]);
    await eventually(async () => publicUploadGate.reading === 0, 'every place given back');
  });
});
