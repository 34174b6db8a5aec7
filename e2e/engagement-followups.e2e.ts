// Browser tests of the engagement screens (issue 4): an agent works a follow-up from the queue,
// an admin sets up the e-mail channel against a real SMTP server in this process and sends a
// test, and a dead message is found in the message log and retried.
// Run: node --import tsx --test --test-concurrency=1 e2e/engagement-followups.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startSmtpSink, type SmtpSink } from '../apps/server/test/smtp-sink.ts';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa, waitUntil } from './harness.ts';


let vafa: RunningVafa;
let sink: SmtpSink;
let browser: Browser;
let owner: Api;

type Api = (method: string, url: string, body?: unknown) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A signed-in API session (cookie + CSRF token), as the web app itself uses. */
async function signIn(email: string, password: string): Promise<Api> {
  const login = await fetch(`${vafa.apiUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  assert.equal(login.status, 200, await login.clone().text());
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = await login.json() as { csrfToken: string };
  return async (method, url, body) => {
    const response = await fetch(`${vafa.apiUrl}${url}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${url}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

const checkA11y = expectAccessible;
const shoot = (page: Page, name: string) => screenshot(page, name);

/** A browser session for one account, reading in `language`. */
async function openAs(email: string, password: string, language: 'fa' | 'ar' | 'en'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: vafa.baseUrl, locale: language === 'en' ? 'en-GB' : language === 'ar' ? 'ar-SA' : 'fa-IR', timezoneId: 'Asia/Tehran', bypassCSP: true,
    viewport: { width: 1360, height: 900 },
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  const login = await page.request.post('/api/auth/login', { data: { email, password } });
  assert.equal(login.status(), 200);
  const { csrfToken } = await login.json() as { csrfToken: string };
  const me = await page.request.patch('/api/me', { data: { language }, headers: { 'x-csrf-token': csrfToken } });
  assert.equal(me.status(), 200);
  return { context, page };
}

async function setLanguage(page: Page, language: 'fa' | 'ar' | 'en') {
  await page.evaluate(async (lang) => {
    const session = await (await fetch('/api/auth/session')).json() as { csrfToken: string };
    await fetch('/api/me', { method: 'PATCH', headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken }, body: JSON.stringify({ language: lang }) });
  }, language);
}

const AGENT = { email: 'agent.sara@example.com', password: 'agent-password-123', name: 'سارا کارشناس' };
let agentId = '';
let followupCustomer: { id: string; name: string } = { id: '', name: '' };
let followupId = '';
let deadCustomer: { id: string; email: string } = { id: '', email: '' };
let deadMessageId = '';

describe('engagement screens', { timeout: 600_000 }, () => {
  before(async () => {
    // The test's SMTP server listens on 127.0.0.1, which the outbound guard refuses unless allowed.
    [vafa, browser, sink] = await Promise.all([startVafa({ env: { VAFA_OUTBOUND_ALLOW: '127.0.0.1' } }), launchChromium(), startSmtpSink()]);
    owner = await signIn(vafa.email, vafa.password);
    // Automated messages must not wait for quiet hours whatever the hour of the test run.
    await owner('PUT', '/api/messaging/policy', { quietHours: null, frequencyCap: { count: 50, periodHours: 24 }, ratePerMinute: 6000 });

    const invitation = await owner('POST', '/api/invitations', { email: AGENT.email, role: 'agent' });
    const accepted = await fetch(`${vafa.apiUrl}/api/invitations/accept`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: invitation.token, displayName: AGENT.name, password: AGENT.password }),
    });
    assert.equal(accepted.status, 200, await accepted.clone().text());
    agentId = (await accepted.json() as { account: { id: string } }).account.id;

    const customer = await owner('POST', '/api/customers', { name: 'نیلوفر پیگیری‌شده', phone: '09121234567', language: 'fa' });
    followupCustomer = { id: customer.id, name: customer.name };
    const followup = await owner('POST', '/api/followups', {
      customerId: customer.id, reason: 'سفارش دیر رسید؛ لطفاً تماس بگیرید', dueInBusinessHours: 4, priority: 'urgent', assigneeId: agentId,
    });
    followupId = followup.id;
    assert.equal(followup.assigneeId, agentId);

    // A message that cannot go out: the e-mail channel is not configured yet, so it is a dead letter.
    const recipient = await owner('POST', '/api/customers', {
      name: 'Dana Retry', email: 'dana.retry@example.com', language: 'en', consent: { email: { granted: true, source: 'web' } },
    });
    deadCustomer = { id: recipient.id, email: recipient.email };
    const template = await owner('POST', '/api/templates', { name: 'Visit thanks', content: { en: { subject: 'Thank you {name}', text: 'Hello {name}, thank you for visiting.' } } });
    await owner('POST', '/api/automations', {
      name: 'Thank after a visit', enabled: true, trigger: { type: 'event', topic: 'touchpoint.recorded' },
      conditions: [{ type: 'tag', tag: 'e2e-thanks', present: true }],
      actions: [{ type: 'send_message', templateId: template.id, channel: 'email' }],
    });
    await owner('PATCH', `/api/customers/${recipient.id}`, { tags: ['e2e-thanks'] });
    await owner('POST', '/api/touchpoints', { customer: { id: recipient.id }, kind: 'visit', channel: 'store', stage: 'sale', occurredAt: new Date().toISOString() });
    const dead = await waitUntil('a dead message', async () => {
      const page = await owner('GET', `/api/messages?customerId=${recipient.id}`);
      return page.items.find((m: { status: string }) => m.status === 'dead');
    });
    deadMessageId = dead.id;
    assert.equal(dead.reason, 'email_not_configured');
  });

  after(async () => {
    await browser?.close();
    await vafa?.stop();
    await sink?.close();
  });

  test('an agent finds the follow-up in their queue and records no answer, then reached (Persian)', async () => {
    const { context, page } = await openAs(AGENT.email, AGENT.password, 'fa');
    await page.goto('/customers');
    await page.getByRole('navigation', { name: 'منو' }).getByRole('link', { name: 'پیگیری‌ها' }).click();
    await page.getByRole('heading', { level: 1, name: 'پیگیری‌ها' }).waitFor();
    // Agents see their own and the unassigned ones; everyone's queue is for managers.
    assert.equal(await page.getByRole('tab', { name: 'همه' }).count(), 0);
    assert.equal(await page.getByRole('tab', { name: 'مال من' }).getAttribute('aria-selected'), 'true');
    const row = page.getByTestId('followup-row').filter({ hasText: followupCustomer.name });
    await row.waitFor();
    assert.match(await row.textContent() ?? '', /فوری/);
    assert.equal(await row.getByRole('link', { name: /۰۹۱۲|\+۹۸۹۱۲/ }).getAttribute('href'), 'tel:+989121234567');
    await shoot(page, 'fa-followups-queue');
    await checkA11y(page, 'fa follow-up queue');

    await row.getByRole('link', { name: followupCustomer.name }).click();
    await page.waitForURL(new RegExp(`/engagement/followups/${followupId}$`));
    await page.getByRole('heading', { name: 'ثبت تلاش' }).waitFor();
    // Agents cannot reassign or reschedule.
    assert.equal(await page.getByRole('heading', { name: 'مسئول و موعد' }).count(), 0);

    const record = async (outcome: string, note: string) => {
      await page.getByRole('button', { name: /نتیجه را انتخاب کنید|نتیجه/ }).first().click();
      await page.getByRole('option', { name: outcome, exact: true }).click();
      await page.getByRole('textbox', { name: 'یادداشت' }).fill(note);
      await page.getByRole('button', { name: 'ذخیرهٔ تلاش' }).click();
    };
    await record('پاسخ نداد', 'بوق آزاد، جواب نداد');
    await page.getByTestId('followup-attempts').getByText('بوق آزاد، جواب نداد').waitFor();
    assert.match(await page.getByTestId('followup-state').textContent() ?? '', /باز/);
    let stored = await owner('GET', `/api/followups/${followupId}`);
    assert.equal(stored.status, 'open');
    assert.deepEqual(stored.attempts.map((a: { outcome: string }) => a.outcome), ['no_answer']);
    await shoot(page, 'fa-followup-detail');
    await checkA11y(page, 'fa follow-up detail');

    await record('تماس برقرار شد', 'مشتری راضی شد');
    await page.getByText('این پیگیری انجام شده است: تماس برقرار شد.').waitFor();
    assert.equal(await page.getByRole('heading', { name: 'ثبت تلاش' }).count(), 0, 'a done follow-up takes no more attempts');
    stored = await owner('GET', `/api/followups/${followupId}`);
    assert.equal(stored.status, 'done');
    assert.equal(stored.outcome, 'reached');
    assert.ok(stored.firstResponseAt);

    // Back in the queue: gone from the open list, listed among the done ones.
    await page.getByRole('link', { name: 'همهٔ پیگیری‌ها' }).click();
    await page.getByRole('heading', { level: 1, name: 'پیگیری‌ها' }).waitFor();
    await page.locator('[data-testid="followup-row"], .state-empty').first().waitFor();
    // The list may show its cached page first (the follow-up still open) until its refetch lands.
    await page.getByTestId('followup-row').filter({ hasText: followupCustomer.name }).waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('followup-row').filter({ hasText: followupCustomer.name }).count(), 0);
    await page.getByRole('main').getByRole('button', { name: /نمایش/ }).click();
    await page.getByRole('option', { name: 'انجام‌شده' }).click();
    await page.getByTestId('followup-row').filter({ hasText: followupCustomer.name }).getByText('تماس برقرار شد').waitFor();

    // The customer's timeline says the follow-up is done, with a link to it.
    await page.goto(`/customers/${followupCustomer.id}`);
    const entry = page.getByTestId('timeline-followup');
    await entry.getByText('تماس برقرار شد').waitFor();
    assert.equal(await entry.getByRole('link').getAttribute('href'), `/engagement/followups/${followupId}`);
    await context.close();
  });

  test('an admin sets up SMTP, sends a test that arrives, and retries a dead message (English)', async () => {
    const { context, page } = await openAs(vafa.email, vafa.password, 'en');
    await page.goto('/customers');
    await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Messages' }).click();
    await page.getByRole('heading', { level: 1, name: 'Messages' }).waitFor();

    // The dead letter is called out and listed with its reason.
    await page.getByTestId('dead-letters-notice').waitFor();
    await page.getByTestId('dead-letters-notice').getByRole('button', { name: 'Show dead letters' }).click();
    await page.waitForURL(/status=dead/);
    const deadRow = page.locator(`[data-testid="message-row"][data-status="dead"]`).filter({ hasText: deadCustomer.email });
    await deadRow.waitFor();
    assert.match(await deadRow.textContent() ?? '', /Dead letter/);
    assert.match(await deadRow.textContent() ?? '', /E-mail channel not configured/);
    await shoot(page, 'en-messages-dead');
    await checkA11y(page, 'en messages log');

    // Configure the e-mail channel against the SMTP server of this test.
    await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Messaging settings' }).click();
    await page.getByRole('heading', { level: 1, name: 'Messaging settings' }).waitFor();
    await page.getByRole('textbox', { name: 'SMTP server' }).fill(sink.host);
    await page.getByRole('textbox', { name: 'Port', exact: true }).fill(String(sink.port));
    await page.getByRole('textbox', { name: 'Sender name' }).fill('Khaneh-no shop');
    await page.getByRole('textbox', { name: 'Sender address' }).fill('shop@example.com');
    await page.getByRole('region', { name: 'E-mail (SMTP)' }).getByRole('button', { name: 'Save' }).click();
    await page.getByRole('region', { name: 'E-mail (SMTP)' }).getByText('Configured', { exact: true }).waitFor();
    const channel = await owner('GET', '/api/messaging/channels/email');
    assert.equal(channel.host, sink.host);
    assert.equal(channel.port, sink.port);
    assert.equal(channel.fromAddress, 'shop@example.com');

    await page.getByRole('textbox', { name: /Send a test message/ }).first().fill('owner.inbox@example.com');
    await page.getByRole('button', { name: 'Send test' }).first().click();
    await page.getByTestId('test-result-email').getByText('The server accepted the test message.').waitFor();
    const [test] = await sink.waitFor(1);
    assert.deepEqual(test!.to, ['owner.inbox@example.com']);
    assert.equal(test!.from, 'shop@example.com');
    await shoot(page, 'en-messaging-settings');
    await checkA11y(page, 'en messaging settings');

    // Webhook endpoint: the signing secret is shown once.
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('CRM');
    await page.getByRole('textbox', { name: 'URL', exact: true }).fill('https://crm.example.com/hooks/vafa');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = await page.getByTestId('webhook-secret').textContent();
    assert.match(secret ?? '', /^whsec_/);
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).last().click();
    await page.getByText('https://crm.example.com/hooks/vafa').waitFor();

    // Retry the dead message now that the channel works: it goes out to the customer.
    await page.goto('/engagement/messages?status=dead');
    const retry = page.locator(`[data-testid="message-row"][data-status="dead"]`).filter({ hasText: deadCustomer.email }).getByRole('button', { name: /Retry/ });
    await retry.click();
    const mails = await sink.waitFor(2);
    const delivered = mails.find((m) => m.to.includes(deadCustomer.email));
    assert.ok(delivered, 'the retried message reached the SMTP server');
    assert.match(delivered.subject, /Thank you/);
    assert.match(delivered.subject, /Dana Retry/);
    const sent = await waitUntil('the message to be sent', async () => {
      const m = await owner('GET', `/api/messages/${deadMessageId}`);
      return m.status === 'sent' || m.status === 'delivered' ? m : null;
    });
    assert.equal(sent.id, deadMessageId);
    await page.goto(`/engagement/messages?customer=${deadCustomer.id}`);
    await page.locator(`[data-testid="message-row"][data-status="sent"]`).waitFor();
    await shoot(page, 'en-messages-retried');
    await context.close();
  });

  test('the screens read right to left in Arabic and Persian', async () => {
    const { context, page } = await openAs(vafa.email, vafa.password, 'ar');
    for (const [url, heading, name] of [
      ['/engagement/followups', 'المتابعات', 'ar-followups-queue'],
      ['/engagement/messages', 'الرسائل', 'ar-messages'],
      ['/settings/messaging', 'إعدادات المراسلة', 'ar-messaging-settings'],
      [`/engagement/followups/${followupId}`, /متابعة/, 'ar-followup-detail'],
    ] as const) {
      await page.goto(url);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
      await shoot(page, name);
      await checkA11y(page, name);
    }
    // The metrics panel (managers) counts the follow-up that was reached.
    await page.goto('/engagement/followups');
    await page.getByTestId('followup-metrics').waitFor();
    const metrics = await owner('GET', '/api/followups/metrics');
    assert.ok(metrics.outcomes.reached >= 1);

    await setLanguage(page, 'fa');
    await page.goto('/settings/messaging');
    await page.getByRole('heading', { level: 1, name: 'تنظیمات پیام‌رسانی' }).waitFor();
    await shoot(page, 'fa-messaging-settings');
    await page.goto(`/customers/${deadCustomer.id}`);
    await page.getByTestId('timeline-message').first().waitFor();
    await shoot(page, 'fa-customer-engagement');
    await checkA11y(page, 'fa customer page with engagement');

    // A customer's own time zone, picked from the searchable list; empty means the workspace's.
    await page.goto(`/customers/${followupCustomer.id}`);
    await page.getByRole('button', { name: 'ویرایش' }).click();
    const zone = page.getByRole('combobox', { name: 'منطقهٔ زمانی' });
    await zone.fill('Dubai');
    // Zones are listed by their Persian names; the search also matches the zone's id.
    const dubai = page.getByRole('option');
    await dubai.first().waitFor();
    assert.equal(await dubai.count(), 1);
    await dubai.first().click();
    await shoot(page, 'fa-customer-time-zone');
    await page.getByRole('dialog').getByRole('button', { name: 'ذخیره' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    assert.equal((await owner('GET', `/api/customers/${followupCustomer.id}`)).timeZone, 'Asia/Dubai');
    await context.close();
  });
});
