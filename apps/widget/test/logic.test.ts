import { createHash, randomFillSync } from 'node:crypto';
import type { KioskAnswer, WidgetQuestion } from '@vafa/contracts';
import { describe, expect, it } from 'vitest';
import { AnswerQueue, drainQueue, newClientRef } from '../src/kiosk-queue.ts';
import { heldBack, inSample, readRecord, writeRecord } from '../src/record.ts';
import { firstWord, solveChallenge } from '@vafa/contracts/proof-of-work';
import { isShown } from '../src/shared/show-if.ts';
import { localDigits, moodOf, scalePoints } from '../src/shared/scale.ts';
import { eventName, urlMatches, watchTriggers } from '../src/triggers.ts';

const DAY = 86_400_000;

function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
    clear: () => map.clear(),
    key: (i) => [...map.keys()][i] ?? null,
    get length() {
      return map.size;
    },
  };
}

describe('url patterns', () => {
  it.each([
    ['/checkout/*', 'https://shop.example/checkout/done?x=1', true],
    ['/checkout/*', 'https://shop.example/cart', false],
    ['/checkout', 'https://shop.example/checkout/done', false],
    ['https://shop.example/*', 'https://shop.example/a/b', true],
    ['https://shop.example/*', 'https://evil.example/https://shop.example/', false],
    ['/p/(1)', 'https://shop.example/p/(1)', true],
    ['/a.b', 'https://shop.example/aXb', false],
  ])('%s against %s → %s', (pattern, href, expected) => {
    expect(urlMatches(pattern, href)).toBe(expected);
  });
});

describe('triggers', () => {
  function host(href = 'https://shop.example/') {
    const timers: { run: () => void; ms: number }[] = [];
    let navigate: (() => void) | undefined;
    let current = href;
    return {
      timers,
      go(to: string) {
        current = to;
        navigate?.();
      },
      api: { href: () => current, onNavigate: (check: () => void) => void (navigate = check), setTimeout: (run: () => void, ms: number) => void timers.push({ run, ms }) },
    };
  }

  it('fires once, on the first trigger that holds', () => {
    const h = host();
    let fired = 0;
    const onEvent = watchTriggers([{ type: 'event', name: 'checkout' }, { type: 'url_match', pattern: '/thanks' }, { type: 'delay', seconds: 5 }], h.api, () => fired++);
    expect(fired).toBe(0);
    onEvent('other');
    expect(fired).toBe(0);
    h.go('https://shop.example/thanks');
    expect(fired).toBe(1);
    onEvent('checkout');
    h.timers[0]!.run();
    expect(fired).toBe(1);
    expect(h.timers[0]!.ms).toBe(5000);
  });

  it('a page view fires at once; an event by name', () => {
    let fired = 0;
    watchTriggers([{ type: 'page_view' }], host().api, () => fired++);
    expect(fired).toBe(1);
    const onEvent = watchTriggers([{ type: 'event', name: 'checkout' }], host().api, () => fired++);
    onEvent('checkout');
    expect(fired).toBe(2);
  });

  it('reads event names from strings and { name }', () => {
    expect(eventName('checkout')).toBe('checkout');
    expect(eventName({ name: 'paid' })).toBe('paid');
    expect(eventName(42)).toBeUndefined();
  });
});

describe('recontact record and sampling', () => {
  it('holds a visitor back inside the window only', () => {
    const storage = memoryStorage();
    const now = Date.UTC(2025, 2, 21);
    expect(heldBack(readRecord(storage, 'tok'), now)).toBe(false);
    writeRecord(storage, 'tok', { at: now, days: 30, outcome: 'dismissed' });
    expect(heldBack(readRecord(storage, 'tok'), now + 29 * DAY)).toBe(true);
    expect(heldBack(readRecord(storage, 'tok'), now + 31 * DAY)).toBe(false);
    // another survey's record is its own
    expect(heldBack(readRecord(storage, 'other'), now)).toBe(false);
  });

  it('an answered survey is not asked again the same day even with no recontact limit', () => {
    const now = Date.now();
    expect(heldBack({ at: now, days: 0, outcome: 'answered' }, now + 1000)).toBe(true);
    expect(heldBack({ at: now, days: 0, outcome: 'dismissed' }, now + 1000)).toBe(false);
  });

  it('survives broken or refused storage', () => {
    const broken = { getItem: () => '{not json', setItem: () => { throw new Error('quota'); } };
    expect(readRecord(broken, 'tok')).toBeUndefined();
    expect(() => writeRecord(broken, 'tok', { at: 1, days: 1, outcome: 'asked' })).not.toThrow();
    expect(readRecord(undefined, 'tok')).toBeUndefined();
  });

  it('samples the given share', () => {
    expect(inSample(100, 0.999)).toBe(true);
    expect(inSample(10, 0.05)).toBe(true);
    expect(inSample(10, 0.1)).toBe(false);
    let n = 0;
    for (let i = 0; i < 1000; i++) if (inSample(25, i / 1000)) n++;
    expect(n).toBe(250);
  });
});

describe('scales', () => {
  const nps: WidgetQuestion = { id: 'nps', type: 'nps', title: 'x', required: true, min: 0, max: 10 };
  it('lists the points lowest first, faces from sad to happy', () => {
    expect(scalePoints(nps)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect([1, 2, 3, 4, 5].map((v) => moodOf(v, 1, 5))).toEqual([0, 1, 2, 3, 4]);
    expect([1, 2, 3].map((v) => moodOf(v, 1, 3))).toEqual([0, 2, 4]);
  });
  it('writes digits in the reader script', () => {
    expect(localDigits(10, 'fa')).toBe('۱۰');
    expect(localDigits(7, 'ar')).toBe('٧');
    expect(localDigits(7, 'en')).toBe('7');
  });
  it('shows a follow-up question by the first answer', () => {
    const why: WidgetQuestion = { id: 'why', type: 'text', title: 'why', required: false, showIf: { question: 'nps', op: 'lte', value: 6 } };
    expect(isShown(why, { nps: { score: 3 } })).toBe(true);
    expect(isShown(why, { nps: { score: 9 } })).toBe(false);
    expect(isShown(why, {})).toBe(false);
    expect(isShown(why, { nps: { skipped: true } })).toBe(false);
  });
});

describe('kiosk queue', () => {
  const answer = (ref: string): KioskAnswer => ({ clientRef: ref, locale: 'fa', answers: { nps: { score: 9 } }, answeredAt: new Date().toISOString() });

  it('keeps answers until the server has answered for them', async () => {
    const queue = new AnswerQueue(memoryStorage(), 'k');
    queue.add(answer('aaaaaaaa1'));
    queue.add(answer('aaaaaaaa2'));
    // offline: nothing leaves the queue
    expect(await drainQueue(queue, async () => { throw new TypeError('Failed to fetch'); })).toBe(2);
    const sent: string[][] = [];
    const left = await drainQueue(queue, async (batch) => {
      sent.push(batch.map((a) => a.clientRef));
      return { results: batch.map((a, i) => ({ clientRef: a.clientRef, outcome: i === 0 ? 'saved' : 'duplicate' })) };
    });
    expect(left).toBe(0);
    expect(sent).toEqual([['aaaaaaaa1', 'aaaaaaaa2']]);
    expect(queue.all()).toEqual([]);
  });

  it('sends in batches of at most 50', async () => {
    const queue = new AnswerQueue(memoryStorage(), 'k');
    for (let i = 0; i < 120; i++) queue.add(answer(`ref-${String(i).padStart(6, '0')}`));
    const sizes: number[] = [];
    await drainQueue(queue, async (batch) => {
      sizes.push(batch.length);
      return { results: batch.map((a) => ({ clientRef: a.clientRef, outcome: 'saved' as const })) };
    });
    expect(sizes).toEqual([50, 50, 20]);
  });

  it('stops rather than spin when the server answers for none of a batch', async () => {
    const queue = new AnswerQueue(memoryStorage(), 'k');
    queue.add(answer('aaaaaaaa1'));
    expect(await drainQueue(queue, async () => ({ results: [] }))).toBe(1);
  });

  it('makes distinct url-safe client refs', () => {
    const refs = new Set(Array.from({ length: 100 }, () => newClientRef((b) => randomFillSync(b))));
    expect(refs.size).toBe(100);
    for (const ref of refs) expect(ref).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe('proof of work', () => {
  it('hashes as SHA-256 does, across block boundaries', () => {
    for (const text of ['', 'abc', 'x'.repeat(55), 'x'.repeat(56), 'x'.repeat(64), 'challenge.lz3k.abc:123456', 'y'.repeat(130)]) {
      expect(firstWord(text), text.slice(0, 10)).toBe(createHash('sha256').update(text).digest().readUInt32BE(0));
    }
  });

  it('finds a proof the server accepts (leading zero bits)', async () => {
    const proof = await solveChallenge('tok.abc.def.mac', 12);
    expect(proof.startsWith('tok.abc.def.mac:')).toBe(true);
    expect(createHash('sha256').update(proof).digest().readUInt32BE(0) >>> 20).toBe(0);
  });
});
