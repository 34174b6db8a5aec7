import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { generateDemoWorkspace, type DemoCustomer, type DemoWorkspace } from './demo-data.ts';

const NOW = new Date('2025-06-01T08:30:00.000Z');
const DAY_MS = 86_400_000;
const WINDOW_START = NOW.getTime() - 365 * DAY_MS;

const workspace: DemoWorkspace = generateDemoWorkspace({ customers: 300, seed: 20250601, now: NOW });
const customers: DemoCustomer[] = workspace.customers;
const orders = customers.flatMap((c) => c.orders);
const touchpoints = customers.flatMap((c) => c.touchpoints);
const byLanguage = (language: DemoCustomer['language']): DemoCustomer[] => customers.filter((c) => c.language === language);

const PERSIAN_DIGIT = /[\u06f0-\u06f9]/;
const ARABIC_INDIC_DIGIT = /[\u0660-\u0669]/;
const ZWNJ = '\u200c';

const share = (part: number, whole: number): number => part / whole;
const isUtcIso = (value: string): boolean => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value);

function inWindow(iso: string): boolean {
  const ms = Date.parse(iso);
  return ms >= WINDOW_START && ms <= NOW.getTime();
}

describe('generateDemoWorkspace', () => {
  it('is deterministic: the same seed gives the same workspace, another seed a different one', () => {
    const again = generateDemoWorkspace({ customers: 300, seed: 20250601, now: new Date(NOW) });
    expect(again).toEqual(workspace);
    expect(JSON.stringify(again)).toBe(JSON.stringify(workspace));

    const other = generateDemoWorkspace({ customers: 300, seed: 20250602, now: NOW });
    expect(other.customers.map((c) => c.phone)).not.toEqual(customers.map((c) => c.phone));
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(workspace));
  });

  it('describes a Persian-named Tehran shop billed in rials', () => {
    expect(workspace.name).toBe(`فروشگاه خانه${ZWNJ}نو`);
    expect(workspace.slug).toMatch(/^[a-z0-9-]+$/);
    expect(workspace.currency).toBe('IRR');
  });

  it('has the requested number of customers in roughly 60/25/15 language shares', () => {
    expect(customers).toHaveLength(300);
    expect(share(byLanguage('fa').length, 300)).toBeCloseTo(0.6, 1);
    expect(share(byLanguage('ar').length, 300)).toBeCloseTo(0.25, 1);
    expect(share(byLanguage('en').length, 300)).toBeCloseTo(0.15, 1);
    expect(generateDemoWorkspace({ customers: 0, seed: 1, now: NOW }).customers).toEqual([]);
  });

  it('writes names in the right script, varied, with ZWNJ in Persian compound names', () => {
    for (const c of byLanguage('fa')) {
      expect(c.name).toMatch(/^[\u0600-\u06ff\u200c ]+$/);
      expect(c.name).not.toMatch(/[\u064a\u0643]/); // Arabic yeh and kaf do not belong in Persian spelling
      expect(c.name).not.toMatch(/(^|[ \u0627\u0622\u062f\u0630\u0631\u0632\u0698\u0648])\u200c|\u200c( |$)/);
    }
    for (const c of byLanguage('ar')) {
      expect(c.name).toMatch(/^[\u0600-\u06ff ]+$/);
      expect(c.name).not.toMatch(/[\u06cc\u06a9]/); // Persian yeh and kaf do not belong in Arabic spelling
    }
    for (const c of byLanguage('en')) expect(c.name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);

    expect(byLanguage('fa').some((c) => c.name.includes(ZWNJ))).toBe(true);
    const distinct = (list: DemoCustomer[], part: 0 | 1): number => new Set(list.map((c) => c.name.split(' ')[part])).size;
    expect(distinct(byLanguage('fa'), 0)).toBeGreaterThanOrEqual(35);
    expect(distinct(byLanguage('fa'), 1)).toBeGreaterThanOrEqual(35);
    expect(distinct(byLanguage('ar'), 0)).toBeGreaterThanOrEqual(25);
    expect(distinct(byLanguage('ar'), 1)).toBeGreaterThanOrEqual(25);
  });

  it('gives every customer a valid, unique mobile number of their country, typed as a human would', () => {
    const e164 = customers.map((c) => {
      const parsed = parsePhoneNumberFromString(c.phone, c.phoneCountry);
      expect(parsed?.isValid(), `${c.phone} (${c.phoneCountry})`).toBe(true);
      expect(parsed?.getType(), c.phone).toBe('MOBILE');
      expect(parsed?.country).toBe(c.phoneCountry);
      return parsed?.number;
    });
    expect(new Set(e164).size).toBe(customers.length);
    expect(new Set(customers.map((c) => c.phone)).size).toBe(customers.length);

    expect(byLanguage('fa').every((c) => c.phoneCountry === 'IR')).toBe(true);
    expect(byLanguage('ar').every((c) => c.phoneCountry === 'SA' || c.phoneCountry === 'AE')).toBe(true);
    expect(new Set(byLanguage('en').map((c) => c.phoneCountry)).size).toBeGreaterThan(1);

    expect(customers.some((c) => PERSIAN_DIGIT.test(c.phone))).toBe(true);
    expect(customers.some((c) => ARABIC_INDIC_DIGIT.test(c.phone))).toBe(true);
    expect(customers.some((c) => c.phone.startsWith('+'))).toBe(true);
    expect(customers.some((c) => c.phone.includes(' '))).toBe(true);
  });

  it('gives birthdays that exist in their calendar, and leaves some out', () => {
    for (const { birthday, language } of customers) {
      if (birthday === null) continue;
      const { calendar, year, month, day } = birthday;
      expect(month).toBeGreaterThanOrEqual(1);
      expect(month).toBeLessThanOrEqual(12);
      expect(day).toBeGreaterThanOrEqual(1);
      if (calendar === 'persian') {
        expect(language).toBe('fa');
        expect(year).toBeGreaterThanOrEqual(1340);
        expect(year).toBeLessThanOrEqual(1385);
        expect(day).toBeLessThanOrEqual(month <= 6 ? 31 : month <= 11 ? 30 : 29);
      } else if (calendar === 'islamic-umalqura') {
        expect(language).toBe('ar');
        expect(year).toBeGreaterThanOrEqual(1380);
        expect(year).toBeLessThanOrEqual(1425);
        expect(day).toBeLessThanOrEqual(29);
      } else {
        const date = new Date(Date.UTC(year, month - 1, day));
        expect(date.getUTCMonth()).toBe(month - 1); // no 31 April, no 29 February in a common year
        expect(year).toBeGreaterThanOrEqual(1950);
        expect(year).toBeLessThanOrEqual(2010);
      }
    }
    const persianBirthdays = byLanguage('fa').filter((c) => c.birthday !== null);
    expect(share(persianBirthdays.filter((c) => c.birthday?.calendar === 'persian').length, persianBirthdays.length)).toBeGreaterThan(0.7);
    expect(byLanguage('en').every((c) => c.birthday === null || c.birthday.calendar === 'gregory')).toBe(true);
    expect(customers.some((c) => c.birthday === null)).toBe(true);
  });

  it('leaves some customers without e-mail and keeps channel and consent consistent with it', () => {
    const emails = customers.flatMap((c) => (c.email === null ? [] : [c.email]));
    expect(emails.length).toBeLessThan(customers.length);
    expect(emails.length).toBeGreaterThan(customers.length / 2);
    expect(new Set(emails).size).toBe(emails.length);
    for (const email of emails) expect(email).toMatch(/^[a-z0-9._]+@[a-z0-9.-]+\.[a-z]{2,}$/);
    for (const c of customers) {
      if (c.email === null) {
        expect(c.preferredChannel).not.toBe('email');
        expect(c.consent.email).toBe(false);
      }
    }
  });

  it('places 0 to 12 orders per customer, mostly one or two, with a few loyal buyers', () => {
    const counts = customers.map((c) => c.orders.length);
    expect(Math.min(...counts)).toBe(0);
    expect(Math.max(...counts)).toBeLessThanOrEqual(12);
    expect(share(counts.filter((n) => n === 1 || n === 2).length, counts.length)).toBeGreaterThan(0.4);
    expect(counts.filter((n) => n >= 8).length).toBeGreaterThan(0);
    expect(share(counts.filter((n) => n >= 8).length, counts.length)).toBeLessThan(0.1);
  });

  it('keeps every order inside the 365 days before now, with consistent amounts and delivery dates', () => {
    for (const order of orders) {
      for (const iso of [order.placedAt, order.promisedDeliveryAt, order.deliveredAt, order.returnedAt]) {
        if (iso !== null) expect(isUtcIso(iso), iso).toBe(true);
      }
      expect(inWindow(order.placedAt), order.placedAt).toBe(true);
      expect(order.currency).toBe('IRR');
      expect(Number.isSafeInteger(order.amountMinor)).toBe(true);
      expect(order.amountMinor).toBeGreaterThanOrEqual(500_000);
      expect(order.amountMinor).toBeLessThanOrEqual(150_000_000);
      expect(order.items.length).toBeGreaterThan(0);
      expect(order.amountMinor).toBe(order.items.reduce((sum, item) => sum + item.quantity * item.unitPriceMinor, 0));
      for (const item of order.items) {
        expect(Number.isSafeInteger(item.unitPriceMinor) && item.unitPriceMinor > 0).toBe(true);
        expect(Number.isSafeInteger(item.quantity) && item.quantity > 0).toBe(true);
        expect(item.name).toMatch(/[\u0600-\u06ff]/);
        expect(item.sku).toMatch(/^[A-Z0-9-]+$/);
      }

      const placed = Date.parse(order.placedAt);
      if (order.channel === 'store') {
        expect(order.promisedDeliveryAt).toBeNull();
      } else {
        expect(order.promisedDeliveryAt).not.toBeNull();
        const promisedAfterDays = (Date.parse(order.promisedDeliveryAt ?? '') - placed) / DAY_MS;
        expect(promisedAfterDays).toBeGreaterThanOrEqual(1);
        expect(promisedAfterDays).toBeLessThanOrEqual(5);
      }
      if (order.deliveredAt !== null) {
        expect(Date.parse(order.deliveredAt)).toBeGreaterThanOrEqual(placed);
        expect(Date.parse(order.deliveredAt)).toBeLessThanOrEqual(NOW.getTime());
      }
      if (order.returnedAt !== null) {
        expect(order.deliveredAt).not.toBeNull();
        expect(Date.parse(order.returnedAt)).toBeGreaterThan(Date.parse(order.deliveredAt ?? ''));
        expect(Date.parse(order.returnedAt)).toBeLessThanOrEqual(NOW.getTime());
      }
    }
    expect(new Set(orders.map((o) => o.channel))).toEqual(new Set(['web', 'store', 'phone', 'app']));
  });

  it('delivers about 15% of promised orders late, returns about 5%, and has recent orders still on the way', () => {
    const delivered = orders.filter((o) => o.promisedDeliveryAt !== null && o.deliveredAt !== null);
    const late = delivered.filter((o) => (o.deliveredAt ?? '') > (o.promisedDeliveryAt ?? ''));
    expect(share(late.length, delivered.length)).toBeGreaterThan(0.08);
    expect(share(late.length, delivered.length)).toBeLessThan(0.25);

    const returned = orders.filter((o) => o.returnedAt !== null);
    expect(share(returned.length, orders.length)).toBeGreaterThan(0.02);
    expect(share(returned.length, orders.length)).toBeLessThan(0.1);

    const onTheWay = orders.filter((o) => o.deliveredAt === null);
    expect(onTheWay.length).toBeGreaterThan(0);
    for (const order of onTheWay) expect(Date.parse(order.placedAt)).toBeGreaterThan(NOW.getTime() - 15 * DAY_MS);
  });

  it('records a few touchpoints per customer with a note in their language', () => {
    const ownOrderIds = (c: DemoCustomer): Set<string> => new Set(c.orders.map((o) => o.externalId));
    for (const c of customers) {
      expect(c.touchpoints.length).toBeGreaterThanOrEqual(1);
      expect(c.touchpoints.length).toBeLessThanOrEqual(6);
      for (const t of c.touchpoints) {
        expect(inWindow(t.occurredAt), t.occurredAt).toBe(true);
        expect(t.channel).not.toBe('');
        const note = t.data['note'] ?? '';
        expect(note.length).toBeGreaterThan(0);
        if (c.language === 'en') expect(note).toMatch(/^[A-Za-z]/);
        else expect(note).toMatch(/[\u0600-\u06ff]/);
        const orderId = t.data['orderExternalId'];
        if (orderId !== undefined) expect(ownOrderIds(c).has(orderId)).toBe(true);
        if (t.stage === 'after-sale') expect(orderId).toBeDefined();
      }
    }
    expect(new Set(touchpoints.map((t) => t.kind))).toEqual(new Set(['visit', 'call', 'message', 'chat', 'social']));
    expect(new Set(touchpoints.map((t) => t.stage))).toEqual(new Set(['pre-sale', 'sale', 'after-sale', 'non-sale']));
  });

  it('tags from a small set, in English and Persian, and flags VIPs in attributes', () => {
    const tags = new Set(customers.flatMap((c) => c.tags));
    expect(tags.size).toBeLessThanOrEqual(10);
    expect([...tags].some((t) => /^[a-z-]+$/.test(t))).toBe(true);
    expect([...tags].some((t) => /[\u0600-\u06ff]/.test(t))).toBe(true);
    for (const c of customers) {
      expect(new Set(c.tags).size).toBe(c.tags.length);
      expect(c.attributes.city.length).toBeGreaterThan(0);
    }
    expect(customers.some((c) => c.attributes.vip === true)).toBe(true);
  });

  it('gives unique external ids to customers, orders and touchpoints', () => {
    const ids = [...customers.map((c) => c.externalId), ...orders.map((o) => o.externalId), ...touchpoints.map((t) => t.externalId)];
    expect(ids.every((id) => id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('rejects nonsense options', () => {
    expect(() => generateDemoWorkspace({ customers: -1, seed: 1, now: NOW })).toThrow(RangeError);
    expect(() => generateDemoWorkspace({ customers: 1.5, seed: 1, now: NOW })).toThrow(RangeError);
    expect(() => generateDemoWorkspace({ customers: 1, seed: 1, now: new Date(Number.NaN) })).toThrow(RangeError);
  });
});
