import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { TRACK_TRIES_PER_ADDRESS_PER_MINUTE, TRACK_TRIES_PER_CODE_PER_DAY, TRACK_TRIES_PER_CODE_PER_HOUR, TriesPerKey } from './tracking-limits.ts';
import { TRACKING_CODE_SPACE, dammCheckDigit, formatTrackingCode, newTrackingCode, trackingGuessOdds, type TrackingCode } from './tracking-code.ts';

// Tracking codes cannot be enumerated (issue 11): the tracking route shows nothing without the
// verification, answers every miss with one and the same 404 (so a hit on the code alone is not
// observable), holds each address and each code to a few tries, and the codes' entropy keeps blind
// guessing at those limits negligible.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

let serial = 0;
const freshAddress = () => `10.88.${Math.floor(++serial / 250)}.${(serial % 250) + 1}`;

async function track(body: Record<string, unknown>, address = freshAddress()) {
  const res = await t.app.inject({ method: 'POST', url: '/api/public/complaints/track', payload: body, remoteAddress: address, headers: { 'accept-language': 'en' } });
  return { status: res.statusCode, body: res.json(), text: res.body, headers: res.headers };
}

/** A complaint filed on the public form: its code and what a guesser must not learn from a miss. */
async function fileOne(ws: TestWorkspace) {
  const res = await t.app.inject({
    method: 'POST', url: '/api/public/complaints', remoteAddress: freshAddress(),
    payload: { workspace: ws.slug, name: 'نگار', phone: '09127654321', email: 'negar@example.test', category: 'delivery', description: 'کالا ناقص رسید' },
  });
  expect(res.statusCode, res.body).toBe(201);
  const code = res.json().trackingCode as TrackingCode;
  return { code, secrets: [code, '7654321', '4321', 'negar', 'نگار', 'acknowledged', 'delivery', 'receivedAt', 'updatedAt'] };
}

describe('the tracking route shows nothing without the verification', () => {
  it('answers a right code with a wrong or partial verification exactly as it answers a code nobody has', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const other = await t.createWorkspace({ country: 'IR' });
    const { code, secrets } = await fileOne(ws);
    // The verification is checked: the right one opens the case.
    expect((await track({ workspace: ws.slug, code, verification: '4321' })).status).toBe(200);
    expect((await track({ workspace: ws.slug, code, verification: 'NEGAR@example.test' })).status).toBe(200);
    // The whole number as typed is the phone given: it proves more than its last four digits.
    expect((await track({ workspace: ws.slug, code, verification: '09127654321' })).status).toBe(200);
    expect((await track({ workspace: ws.slug, code, verification: '۰۹۱۲ ۷۶۵ ۴۳۲۱' })).status).toBe(200);

    const legacy = `${'4'.repeat(15)}${dammCheckDigit('4'.repeat(15))}`;
    const misses = {
      wrongDigits: await track({ workspace: ws.slug, code, verification: '1234' }),
      nearDigits: await track({ workspace: ws.slug, code, verification: '4320' }),
      otherPhoneSameLastFour: await track({ workspace: ws.slug, code, verification: '09120004321' }),
      threeDigits: await track({ workspace: ws.slug, code, verification: '321' }),
      wrongEmail: await track({ workspace: ws.slug, code, verification: 'negar@example.com' }),
      emailPrefix: await track({ workspace: ws.slug, code, verification: 'negar@' }),
      otherCode: await track({ workspace: ws.slug, code: newTrackingCode(), verification: '4321' }),
      legacyShape: await track({ workspace: ws.slug, code: legacy, verification: '4321' }),
      otherWorkspace: await track({ workspace: other.slug, code, verification: '4321' }),
      noWorkspace: await track({ workspace: 'no-such-workspace', code, verification: '4321' }),
      persianDigitsWrongVerification: await track({ workspace: ws.slug, code: formatTrackingCode(code, { digits: 'arabext' }), verification: '۱۲۳۴' }),
    };
    const reference = misses.otherCode;
    expect(reference.status).toBe(404);
    expect(reference.body.code).toBe('complaint_not_found');
    for (const [label, miss] of Object.entries(misses)) {
      expect(miss.status, label).toBe(404);
      expect(miss.body, label).toEqual(reference.body);
      expect(miss.text, label).toBe(reference.text);
      expect(miss.headers['content-type'], label).toBe(reference.headers['content-type']);
      expect(miss.headers['content-length'], label).toBe(reference.headers['content-length']);
      for (const secret of secrets) expect(miss.text.toLowerCase(), `${label} leaks ${secret}`).not.toContain(secret.toLowerCase());
    }
    // A missing verification is a malformed request, said without a lookup, and shows nothing either.
    const none = await track({ workspace: ws.slug, code });
    expect(none.status).toBe(400);
    for (const secret of secrets.slice(0, 4)) expect(none.text).not.toContain(secret);
  });
});

describe('the tracking route holds guessers to a few tries', () => {
  it(`lets one address try ${TRACK_TRIES_PER_ADDRESS_PER_MINUTE} times a minute, then answers 429 with Retry-After, even for the right answer`, async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const { code } = await fileOne(ws);
    const address = freshAddress();
    for (let i = 0; i < TRACK_TRIES_PER_ADDRESS_PER_MINUTE; i++) {
      expect((await track({ workspace: ws.slug, code: newTrackingCode(), verification: '4321' }, address)).status).toBe(404);
    }
    for (const body of [{ workspace: ws.slug, code: newTrackingCode(), verification: '4321' }, { workspace: ws.slug, code, verification: '4321' }]) {
      const limited = await track(body, address);
      expect(limited.status).toBe(429);
      expect(limited.headers['content-type']).toContain('application/problem+json');
      expect(limited.body.code).toBe('rate_limited');
      const wait = Number(limited.headers['retry-after']);
      expect(Number.isInteger(wait) && wait >= 1 && wait <= 60, `retry-after ${String(limited.headers['retry-after'])}`).toBe(true);
      expect(limited.text).not.toContain('acknowledged');
    }
    // Another address is not held up by it.
    expect((await track({ workspace: ws.slug, code, verification: '4321' })).status).toBe(200);
  });

  it(`lets one code be tried ${TRACK_TRIES_PER_CODE_PER_HOUR} times an hour from any addresses and however it is typed, then answers 429 with Retry-After`, async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const { code } = await fileOne(ws);
    // The same code in Latin digits, in Persian digits with dashes, spaced out: one budget.
    const forms = [code, formatTrackingCode(code, { digits: 'arabext' }), code.replace(/(.{4})/g, '$1 '), formatTrackingCode(code, { digits: 'arab', bidi: 'none' })];
    for (let i = 0; i < TRACK_TRIES_PER_CODE_PER_HOUR; i++) {
      const guess = String(1000 + i);
      expect((await track({ workspace: ws.slug, code: forms[i % forms.length], verification: guess })).status, `try ${i}`).toBe(404);
    }
    // The right verification does not get through any more: a botnet cannot finish the guess.
    const limited = await track({ workspace: ws.slug, code, verification: '4321' });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('rate_limited');
    const wait = Number(limited.headers['retry-after']);
    expect(Number.isInteger(wait) && wait > 60 && wait <= 3600, `retry-after ${String(limited.headers['retry-after'])}`).toBe(true);
    expect(limited.text).not.toContain('acknowledged');
    // Another case's code keeps its own budget.
    const second = await fileOne(ws);
    expect((await track({ workspace: ws.slug, code: second.code, verification: '4321' })).status).toBe(200);
  });
});

describe('the entropy of codes against those limits', () => {
  const perAddress = TRACK_TRIES_PER_ADDRESS_PER_MINUTE;

  it('keeps a blind guesser at the limits far from any case: one address for a year, a botnet of 1,000 for a month, 10^6 cases', () => {
    const oneAddressYear = trackingGuessOdds({ cases: 1e6, addresses: 1, triesPerAddressPerMinute: perAddress, days: 365 });
    expect(oneAddressYear.tries).toBe(perAddress * 525_600);
    expect(oneAddressYear.expectedWins).toBeLessThan(0.01);
    const botnetMonth = trackingGuessOdds({ cases: 1e6, addresses: 1000, triesPerAddressPerMinute: perAddress, days: 30 });
    expect(botnetMonth.expectedWins).toBeLessThan(1);
    // 9 × 10^10 codes: 36.4 bits from the CSPRNG, the check digit public and adding none.
    expect(TRACKING_CODE_SPACE).toBe(9e10);
  });

  it('would not with ten-digit codes, nor with the code alone (why the miss must look the same whatever was wrong)', () => {
    const year = { cases: 1e6, addresses: 1, triesPerAddressPerMinute: perAddress, days: 365 };
    const tenDigits = (year.addresses * perAddress * 525_600 * year.cases) / 9e8 / 1e4;
    expect(tenDigits).toBeGreaterThan(0.5);
    // Were a code hit observable, the verification would be guessed afterwards, per code: the
    // search for a case would cost the code alone.
    expect(trackingGuessOdds({ ...year, verificationSpace: 1 }).expectedWins).toBeGreaterThan(50);
  });

  it('makes a known code’s 4-digit verification take days to guess at the per-code limit', () => {
    // Half of the 10^4 values at the per-code limit, from any number of addresses.
    const hoursForEvenOdds = 5_000 / TRACK_TRIES_PER_CODE_PER_HOUR;
    expect(hoursForEvenOdds).toBeGreaterThanOrEqual(24 * 7);
  });
});

describe('the per-code windows', () => {
  it(`hold a patient guesser of one code to ${TRACK_TRIES_PER_CODE_PER_DAY} tries a day, though each hour allows ${TRACK_TRIES_PER_CODE_PER_HOUR}`, () => {
    let now = Date.parse('2026-12-04T00:00:00Z');
    const limits = new TriesPerKey([{ ms: 3_600_000, max: TRACK_TRIES_PER_CODE_PER_HOUR }, { ms: 86_400_000, max: TRACK_TRIES_PER_CODE_PER_DAY }], 1000, () => now);
    let allowed = 0;
    // A try every 3 minutes for a day: 20 an hour, always at the hourly limit.
    for (let minute = 0; minute < 24 * 60; minute += 3, now += 3 * 60_000) if (limits.take('ws:123456789012') === 0) allowed++;
    expect(allowed).toBe(TRACK_TRIES_PER_CODE_PER_DAY);
    // Refused with the wait until the day's window ends; another code is untouched; the next day starts afresh.
    now = Date.parse('2026-12-04T23:00:00Z');
    expect(limits.take('ws:123456789012')).toBe(3600);
    expect(limits.take('ws:999999999999')).toBe(0);
    now = Date.parse('2026-12-05T00:00:00Z');
    expect(limits.take('ws:123456789012')).toBe(0);
  });

  it('stay bounded in memory whatever number of codes is tried', () => {
    const now = 0;
    const limits = new TriesPerKey([{ ms: 1000, max: 1 }], 50, () => now);
    for (let i = 0; i < 500; i++) limits.take(`ws:${i}`);
    // Past the bound the map starts afresh (a key tried once may try once more), but never grows.
    expect((limits as unknown as { windows: { counts: Map<string, unknown> }[] }).windows[0]!.counts.size).toBeLessThanOrEqual(50);
  });
});
