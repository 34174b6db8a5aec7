import type { LightMyRequestResponse } from 'fastify';
import type { Logger } from 'pino';
import type { DemoCustomer } from './demo-data.ts';

// The demo workspace's loyalty program and complaint cases, so that a first `npm start` shows
// the loyalty and complaints screens with something in them: a points program with tiers, rewards,
// a charity, a credit package and a point value; members who earned on their orders of the last
// year; and complaints in every stage of their handling, a few closed with a root cause. Made
// through the public API, as an integration would, so everything (ledger postings, SLA clocks,
// events, timelines) is what real use makes. Nothing here is needed by the product itself.

/** What seeding needs of the HTTP layer: Fastify's `inject`. */
export interface DemoHttp {
  inject(options: { method: 'GET' | 'POST' | 'PUT'; url: string; headers: Record<string, string>; payload?: unknown }): Promise<LightMyRequestResponse>;
}

/** A demo customer as the workspace holds them: its id and what the generator made of them. */
export interface DemoMember {
  id: string;
  customer: DemoCustomer;
}

export interface SeededDemoPrograms {
  programId: string | null;
  ordersEarned: number;
  cases: number;
}

const DAY_MS = 86_400_000;
const NAME = (fa: string, ar: string, en: string) => ({ fa, ar, en });

/** A request that should succeed; a refusal is logged and seeding goes on (the demo stays usable). */
async function call<T>(http: DemoHttp, headers: Record<string, string>, log: Logger, method: 'POST' | 'PUT', url: string, payload: unknown): Promise<T | null> {
  const res = await http.inject({ method, url, headers, payload });
  if (res.statusCode >= 300) {
    log.warn({ status: res.statusCode, url, body: res.body.slice(0, 500) }, 'demo program data was not created');
    return null;
  }
  return res.json<T>();
}

export async function seedDemoPrograms(http: DemoHttp, headers: Record<string, string>, members: DemoMember[], now: Date, log: Logger): Promise<SeededDemoPrograms> {
  const loyalty = await seedDemoLoyalty(http, headers, members, now, log);
  const cases = await seedDemoComplaints(http, headers, members, log);
  return { ...loyalty, cases };
}

async function seedDemoLoyalty(http: DemoHttp, headers: Record<string, string>, members: DemoMember[], now: Date, log: Logger): Promise<{ programId: string | null; ordersEarned: number }> {
  const post = <T>(url: string, payload: unknown) => call<T>(http, headers, log, 'POST', url, payload);
  // One point per 100,000 tomans (1,000,000 rials) spent, worth 1,000 tomans: 1 % back, as shops
  // in Iran commonly give. Points last a year; answering a survey and a birthday earn a few too.
  // Tier thresholds sit near the top third and the top tenth of the demo's members.
  const program = await post<{ id: string }>('/api/loyalty/programs', {
    name: 'باشگاه مشتریان خانه‌نو',
    settings: {
      spend: { points: 1, per: 1_000_000 }, pendingDays: 0, expiry: { kind: 'rolling', days: 365 },
      events: [{ topic: 'response.submitted', points: 5 }, { topic: 'customer.birthday', points: 10 }],
      expiryNotice: { daysBefore: 14 },
    },
  });
  if (!program) return { programId: null, ordersEarned: 0 };
  const base = `/api/loyalty/programs/${program.id}`;
  await call(http, headers, log, 'PUT', `${base}/tier-settings`, { basis: 'qualifying_points', window: { kind: 'rolling', days: 365 }, downgrade: 'one_step', graceDays: 30 });
  await post(`${base}/tiers`, { name: NAME('نقره‌ای', 'فضي', 'Silver'), threshold: 50, multiplierPercent: 110 });
  await post(`${base}/tiers`, { name: NAME('طلایی', 'ذهبي', 'Gold'), threshold: 150, multiplierPercent: 125 });
  const coupon = await post<{ id: string }>('/api/loyalty/rewards', { kind: 'discount_coupon', name: NAME('۱۰٪ تخفیف خرید بعدی', 'خصم ١٠٪ على الشراء القادم', '10% off the next order'), pointsCost: 40 });
  if (coupon) await post(`/api/loyalty/rewards/${coupon.id}/codes/generate`, { count: 100, prefix: 'KHN-' });
  await post('/api/loyalty/rewards', { kind: 'gift', name: NAME('لیوان سفالی خانه‌نو', 'كوب فخاري من خانه‌نو', 'Khaneh-no clay mug'), pointsCost: 100, stock: 50 });
  const charity = await post<{ id: string }>('/api/loyalty/charities', { name: NAME('بنیاد کودک', 'مؤسسة الطفل', 'Child Foundation'), ratePoints: 1, rateMinor: 10_000 });
  await post(`${base}/credit-packages`, { name: NAME('بستهٔ یک میلیونی', 'باقة المليون', 'One million'), priceMinor: 10_000_000, creditMinor: 11_000_000, bonusExpiryDays: 90 });
  await call(http, headers, log, 'PUT', '/api/loyalty/finance/settings', { pointValue: { points: 1, minor: 10_000 } });

  // Each customer's orders of the last year, not returned, earn now (the ledger records today).
  const since = now.getTime() - 365 * DAY_MS;
  const orders = members.flatMap(({ id, customer }) => customer.orders
    .filter((o) => !o.returnedAt && Date.parse(o.placedAt) >= since)
    .map((o) => ({
      externalId: o.externalId,
      customerId: id,
      lines: o.items.map((item, i) => ({ id: String(i + 1), sku: item.sku, amount: item.unitPriceMinor * item.quantity })),
    })));
  let ordersEarned = 0;
  for (let i = 0; i < orders.length; i += 200) {
    const done = await post<{ created: number; replayed: number; failed: number }>('/api/loyalty/orders/batch', { orders: orders.slice(i, i + 200) });
    if (done?.failed) log.warn({ failed: done.failed }, 'some demo orders earned no points');
    ordersEarned += (done?.created ?? 0) + (done?.replayed ?? 0);
  }
  // The four members who spent most gave some points to the charity.
  if (charity) {
    const spent = new Map<string, number>();
    for (const o of orders) spent.set(o.customerId, (spent.get(o.customerId) ?? 0) + o.lines.reduce((sum, line) => sum + line.amount, 0));
    const givers = [...spent].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([customerId]) => customerId);
    for (const [i, customerId] of givers.entries()) {
      await post('/api/loyalty/donations', { customerId, charityId: charity.id, points: 10 * (i + 1), externalId: `demo-donation-${i + 1}` });
    }
  }
  return { programId: program.id, ordersEarned };
}

interface DemoCase {
  channel: 'phone' | 'chat' | 'email' | 'in_person' | 'social';
  category: string;
  severity: 'low' | 'medium' | 'high';
  description: string;
  remedySought?: string;
  /** the steps taken, in order, from `received` */
  steps: { action: string; rootCause?: string; resolutionSummary?: string; note?: string }[];
}

const RESOLVE = (rootCause: string, resolutionSummary: string) => [
  { action: 'acknowledge' }, { action: 'assess' }, { action: 'investigate' },
  { action: 'propose_resolution', resolutionSummary }, { action: 'communicate_resolution', rootCause },
];

const CASES: DemoCase[] = [
  { channel: 'phone', category: 'ارسال', severity: 'high', description: 'سفارشم سه روز دیرتر از زمان وعده‌داده‌شده رسید و جعبه‌اش له شده بود.', remedySought: 'بازگشت هزینهٔ ارسال', steps: [] },
  { channel: 'chat', category: 'پرداخت', severity: 'medium', description: 'مبلغ سفارش دو بار از کارتم کم شده است.', remedySought: 'برگشت مبلغ اضافه', steps: [{ action: 'acknowledge' }] },
  { channel: 'email', category: 'کیفیت کالا', severity: 'medium', description: 'دستهٔ کتری برقی بعد از یک هفته شکست.', remedySought: 'تعویض کالا', steps: [{ action: 'acknowledge' }, { action: 'assess' }] },
  { channel: 'in_person', category: 'رفتار کارکنان', severity: 'low', description: 'فروشندهٔ شعبهٔ ونک به پرسش‌هایم بی‌حوصله جواب داد.', steps: [{ action: 'acknowledge' }, { action: 'assess' }, { action: 'investigate' }] },
  { channel: 'phone', category: 'ارسال', severity: 'medium', description: 'پیک بدون تماس بسته را جلوی در گذاشت و یک قلم کم بود.', remedySought: 'ارسال قلم جاافتاده',
    steps: [{ action: 'acknowledge' }, { action: 'assess' }, { action: 'investigate' }, { action: 'propose_resolution', resolutionSummary: 'قلم جاافتاده فردا بدون هزینه ارسال می‌شود.' }] },
  { channel: 'social', category: 'قیمت', severity: 'low', description: 'قیمت روی قفسه با قیمت صندوق فرق داشت.', steps: [...RESOLVE('price_billing', 'تفاوت قیمت به کارت مشتری برگشت و برچسب‌های قفسه اصلاح شد.'), { action: 'close' }] },
  { channel: 'phone', category: 'ارسال', severity: 'high', description: 'سفارش به نشانی اشتباه فرستاده شد.', steps: [...RESOLVE('delivery', 'سفارش دوباره به نشانی درست فرستاده شد و هزینهٔ ارسال برگشت.'), { action: 'close' }] },
  { channel: 'chat', category: 'وب‌سایت', severity: 'medium', description: 'کد تخفیف در صفحهٔ پرداخت پذیرفته نمی‌شد.', steps: [...RESOLVE('digital_tech', 'خطای صفحهٔ پرداخت برطرف شد و تخفیف به سفارش اعمال شد.'), { action: 'close' }] },
];

async function seedDemoComplaints(http: DemoHttp, headers: Record<string, string>, members: DemoMember[], log: Logger): Promise<number> {
  // Complainants: customers with the latest returns first (a return is where complaints come from).
  const latestReturn = (m: DemoMember) => m.customer.orders.map((o) => o.returnedAt ?? '').sort().at(-1) ?? '';
  const complainants = [...members].sort((a, b) => latestReturn(b).localeCompare(latestReturn(a))).slice(0, CASES.length);
  let made = 0;
  for (const [i, spec] of CASES.entries()) {
    const member = complainants[i];
    if (!member) break;
    const opened = await call<{ id: string }>(http, headers, log, 'POST', '/api/complaints', {
      channel: spec.channel, customerId: member.id, category: spec.category, severity: spec.severity, description: spec.description,
      ...(spec.remedySought ? { remedySought: spec.remedySought } : {}),
    });
    if (!opened) continue;
    made++;
    for (const step of spec.steps) {
      if (!(await call(http, headers, log, 'POST', `/api/complaints/${opened.id}/actions`, step))) break;
    }
  }
  return made;
}
