import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Vafa } from '../../app.ts';
import { seedDemoSurveys, type DemoSurveyCustomer } from '../surveys/index.ts';
import { addMember } from '../team/index.ts';
import { createApiKey } from './api-key.service.ts';
import { generateDemoWorkspace, type DemoCustomer } from './demo-data.ts';
import { seedDemoPrograms, type DemoMember } from './demo-programs.ts';
import { countWorkspaces } from './workspace.repo.ts';
import { createWorkspace } from './workspace.service.ts';

export interface SeededDemo {
  workspaceName: string;
  email: string;
  password: string;
  customers: number;
}

const OWNER_EMAIL = 'owner@demo.vafa.local';

function touchpointsOf(customer: DemoCustomer) {
  const identity = { externalId: customer.externalId };
  const events: Record<string, unknown>[] = [];
  for (const order of customer.orders) {
    const detail = { externalId: order.externalId, amountMinor: order.amountMinor, currency: order.currency, items: order.items, ...(order.promisedDeliveryAt ? { promisedDeliveryAt: order.promisedDeliveryAt } : {}) };
    events.push({ externalId: `${order.externalId}:placed`, customer: identity, kind: 'order.placed', channel: order.channel, stage: 'sale', occurredAt: order.placedAt, order: detail });
    if (order.deliveredAt) {
      events.push({ externalId: `${order.externalId}:delivered`, customer: identity, kind: 'order.delivered', channel: order.channel, stage: 'after-sale', occurredAt: order.deliveredAt, order: { ...detail, deliveredAt: order.deliveredAt } });
    }
    if (order.returnedAt) {
      events.push({ externalId: `${order.externalId}:returned`, customer: identity, kind: 'order.returned', channel: order.channel, stage: 'after-sale', occurredAt: order.returnedAt, order: detail });
    }
  }
  for (const tp of customer.touchpoints) {
    events.push({ externalId: tp.externalId, customer: identity, kind: tp.kind, channel: tp.channel, stage: tp.stage, occurredAt: tp.occurredAt, data: tp.data });
  }
  return events;
}

/**
 * Creates the demo workspace on a database that has no workspace yet, through the same
 * public API an integration would use, and returns the owner's one-time password.
 */
export async function seedDemoWorkspace(vafa: Vafa, log: Logger): Promise<SeededDemo | null> {
  const { database } = vafa;
  if (!vafa.http) throw new Error('seeding needs the HTTP API in this process');
  if ((await countWorkspaces(database.db)) > 0) return null;
  const demo = generateDemoWorkspace({ customers: vafa.config.demoCustomers, seed: 1404, now: new Date() });
  const password = randomBytes(9).toString('base64url');

  const { tenantId, key, keyId } = await database.db.transaction(async (tx) => {
    const ws = await createWorkspace(tx, { name: demo.name, slug: demo.slug, defaultLanguage: 'fa', defaultCountry: 'IR' });
    const owner = await addMember(tx, ws.id, { email: OWNER_EMAIL, displayName: 'مدیر فروشگاه', password, role: 'owner', instanceAdmin: true });
    const created = await createApiKey(tx, ws.id, { kind: 'user', id: owner.id, tenantId: ws.id, role: 'owner' }, { name: 'demo seeding', role: 'admin' }, '127.0.0.1');
    return { tenantId: ws.id, key: created.secret, keyId: created.row.id };
  });
  const headers = { authorization: `Bearer ${key}` };

  const events: Record<string, unknown>[] = [];
  const returns: { customerId: string; returnedAt: string }[] = [];
  const respondents: DemoSurveyCustomer[] = [];
  const members: DemoMember[] = [];
  for (const customer of demo.customers) {
    const res = await vafa.http.inject({
      method: 'POST',
      url: '/api/customers',
      headers,
      payload: {
        externalId: customer.externalId,
        name: customer.name,
        phone: customer.phone,
        phoneCountry: customer.phoneCountry,
        ...(customer.email ? { email: customer.email } : {}),
        ...(customer.birthday ? { birthday: customer.birthday } : {}),
        language: customer.language,
        preferredChannel: customer.preferredChannel,
        consent: { sms: { granted: customer.consent.sms, source: 'demo' }, email: { granted: customer.consent.email, source: 'demo' } },
        tags: customer.tags,
        attributes: {},
      },
    });
    if (res.statusCode !== 201) {
      log.warn({ status: res.statusCode, body: res.body, customer: customer.externalId }, 'demo customer was not created');
      continue;
    }
    events.push(...touchpointsOf(customer));
    respondents.push({ id: res.json<{ id: string }>().id, language: customer.language });
    members.push({ id: res.json<{ id: string }>().id, customer });
    const returned = customer.orders.filter((o) => o.returnedAt).map((o) => o.returnedAt!).sort().at(-1);
    if (returned) returns.push({ customerId: res.json<{ id: string }>().id, returnedAt: returned });
  }
  for (let i = 0; i < events.length; i += 1000) {
    const res = await vafa.http.inject({ method: 'POST', url: '/api/touchpoints/batch', headers, payload: { events: events.slice(i, i + 1000) } });
    if (res.statusCode !== 200) log.warn({ status: res.statusCode, body: res.body.slice(0, 500) }, 'demo touchpoints were not recorded');
  }
  await seedDemoEngagement(vafa, headers, log, returns);
  // Before the surveys, so that their answers earn the program's points for answering.
  if (vafa.config.demoPrograms) await seedDemoPrograms(vafa.http, headers, members, new Date(), log);
  // A live NPS and a post-purchase CSAT survey with answers over the last 90 days.
  const surveys = await seedDemoSurveys(database, tenantId, { customers: respondents, responses: Math.min(300, respondents.length), now: new Date(), seed: 1404 });
  if (surveys.responses < Math.min(300, respondents.length)) log.warn({ saved: surveys.responses }, 'some demo survey answers were not saved');
  await database.pool.query(`UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, keyId]);
  return { workspaceName: demo.name, email: OWNER_EMAIL, password, customers: demo.customers.length };
}

const DEMO_TEMPLATES = [
  {
    key: 'thanks',
    name: 'تشکر پس از تحویل سفارش',
    content: {
      fa: { subject: 'سفارش {orderNumber} به دستتان رسید', text: '{name}، سفارش {orderNumber} به مبلغ {orderAmount} تحویل شد. از خریدتان از {workspaceName} سپاسگزاریم.', sms: '{name}، از خرید شما سپاسگزاریم. سفارش {orderNumber} تحویل شد. {workspaceName}' },
      ar: { subject: 'وصل طلبك {orderNumber}', text: '{name}، تم تسليم طلبك {orderNumber} بقيمة {orderAmount}. شكرًا لتسوقك من {workspaceName}.', sms: '{name}، شكرًا لتسوقك. تم تسليم الطلب {orderNumber}. {workspaceName}' },
      en: { subject: 'Your order {orderNumber} has arrived', text: 'Dear {name}, order {orderNumber} ({orderAmount}) was delivered. Thank you for shopping with {workspaceName}.', sms: '{name}, thank you! Order {orderNumber} was delivered. {workspaceName}' },
    },
  },
  {
    key: 'birthday',
    name: 'تبریک تولد',
    content: {
      fa: { subject: 'تولدتان مبارک، {name}', text: '{name}، تولدتان مبارک! کد هدیهٔ تولد شما در سبد خرید فعال است.', sms: '{name}، تولدتان مبارک! هدیهٔ تولد شما در {workspaceName} منتظر شماست.' },
      ar: { subject: 'عيد ميلاد سعيد، {name}', text: '{name}، كل عام وأنت بخير! هدية عيد ميلادك مفعّلة في سلة التسوق.', sms: '{name}، كل عام وأنت بخير! هديتك تنتظرك في {workspaceName}.' },
      en: { subject: 'Happy birthday, {name}', text: 'Happy birthday, {name}! Your birthday gift is waiting in your cart.', sms: 'Happy birthday, {name}! Your gift is waiting at {workspaceName}.' },
    },
  },
  {
    key: 'winback',
    name: 'دلمان برایتان تنگ شده',
    content: {
      fa: { subject: 'دلمان برایتان تنگ شده', text: '{name}، مدتی است سری به {workspaceName} نزده‌اید. برای خرید بعدی‌تان ارسال رایگان در نظر گرفته‌ایم.', sms: '{name}، دلمان برایتان تنگ شده! ارسال رایگان برای خرید بعدی. {workspaceName}' },
      ar: { subject: 'اشتقنا إليك', text: '{name}، لم نرك منذ مدة في {workspaceName}. الشحن مجاني لطلبك القادم.', sms: '{name}، اشتقنا إليك! الشحن مجاني لطلبك القادم. {workspaceName}' },
      en: { subject: 'We miss you', text: 'Dear {name}, it has been a while since your last visit to {workspaceName}. Your next delivery is on us.', sms: '{name}, we miss you! Free delivery on your next order. {workspaceName}' },
    },
  },
] as const;

/**
 * Templates and rules a shop would start with. The rules that send are left switched off:
 * the demo has no e-mail or SMS channel yet, and they would only fill the dead-letter list.
 * The built-in "follow up after a negative experience" rules are on by default, and the queue
 * starts with follow-ups of the latest returns.
 */
async function seedDemoEngagement(vafa: Vafa, headers: Record<string, string>, log: Logger, returns: { customerId: string; returnedAt: string }[]): Promise<void> {
  const ids = new Map<string, string>();
  for (const template of DEMO_TEMPLATES) {
    const res = await vafa.http!.inject({ method: 'POST', url: '/api/templates', headers, payload: { name: template.name, content: template.content } });
    if (res.statusCode !== 201) log.warn({ status: res.statusCode, body: res.body.slice(0, 500) }, 'demo template was not created');
    else ids.set(template.key, res.json<{ id: string }>().id);
  }
  const rules = [
    { name: 'تشکر دو روز پس از تحویل', trigger: { type: 'event', topic: 'order.delivered' }, delay: { days: 2 }, actions: [{ type: 'send_message', templateId: ids.get('thanks'), channel: 'preferred' }] },
    { name: 'تبریک تولد با هدیه', trigger: { type: 'date', field: 'birthday', at: '10:00' }, actions: [{ type: 'send_message', templateId: ids.get('birthday'), channel: 'preferred' }, { type: 'add_tag', tag: 'هدیه-تولد' }] },
    { name: 'بازگرداندن مشتریان غیرفعال ۹۰ روزه', trigger: { type: 'inactivity', days: 90 }, actions: [{ type: 'send_message', templateId: ids.get('winback'), channel: 'preferred' }] },
  ];
  for (const rule of rules) {
    if (rule.actions.some((a) => 'templateId' in a && !a.templateId)) continue;
    const res = await vafa.http!.inject({ method: 'POST', url: '/api/automations', headers, payload: { ...rule, enabled: false } });
    if (res.statusCode !== 201) log.warn({ status: res.statusCode, body: res.body.slice(0, 500) }, 'demo rule was not created');
  }
  // The history is too old for the built-in rules to act on (they ignore back-filled events), so
  // the queue starts with follow-ups of the most recent returns, as the built-in rule would open.
  for (const { customerId } of returns.sort((a, b) => b.returnedAt.localeCompare(a.returnedAt)).slice(0, 6)) {
    const res = await vafa.http!.inject({
      method: 'POST', url: '/api/followups', headers,
      payload: { customerId, reason: 'negative_experience', dueInBusinessHours: 4, priority: 'urgent' },
    });
    if (res.statusCode !== 201) log.warn({ status: res.statusCode, body: res.body.slice(0, 500) }, 'demo follow-up was not created');
  }
}
