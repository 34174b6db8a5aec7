// Notes and hand-logged interactions on the customer page (issue 9), in Persian on Chromium:
// add a note, log a call on a Solar Hijri day typed in Persian digits, see both on the timeline
// with their author, edit and delete the note — each step checked through the API too. Then
// screenshots of the timeline and the log form in fa, ar and en at 1366 and 390 wide (no
// sideways scrolling, no serious axe finding).
// Run: node --import tsx --test e2e/customer-notes.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa, waitUntil } from './harness.ts';

type Language = 'fa' | 'ar' | 'en';
interface Entry { id: string; kind: string; text: string | null; occurredAt: string; channel: string; stage: string; editedAt: string | null; author: { type: string; id: string; name: string | null } | null }

let vafa: RunningVafa;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let csrf = '';
let me: { id: string; displayName: string };
let customerId = '';

const fa = MESSAGES.fa;
const NOTE = 'مشتری خواست فاکتور رسمی\nبه نشانی دفتر فرستاده شود';
const EDITED = 'فاکتور رسمی به نشانی دفتر فرستاده شد';
const CALL = 'درباره‌ی زمان تحویل سفارش صحبت کردیم';

const toPersianDigits = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d)));

async function timeline(): Promise<Entry[]> {
  const res = await page.request.get(`/api/customers/${customerId}/timeline?limit=50`);
  assert.equal(res.status(), 200);
  return ((await res.json()) as { items: Entry[] }).items;
}

/** Yesterday in Tehran: its Solar Hijri year, month and day, and the instant of 10:30 that day. */
function yesterdayInTehran(): { jalali: [number, number, number]; at1030: string } {
  const yesterday = new Date(Date.now() - 86_400_000);
  const parts = (locale: string) => Object.fromEntries(
    new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'numeric', day: 'numeric', timeZone: 'Asia/Tehran' }).formatToParts(yesterday).map((p) => [p.type, p.value]),
  );
  const j = parts('en-u-ca-persian-nu-latn');
  const g = parts('en-u-ca-gregory-nu-latn');
  // Iran keeps UTC+3:30 all year (no daylight saving since 2022).
  const at = Date.UTC(Number(g.year), Number(g.month) - 1, Number(g.day), 10, 30) - 3.5 * 3_600_000;
  return { jalali: [Number(j.year!.replace(/\D/g, '')), Number(j.month), Number(j.day)], at1030: new Date(at).toISOString() };
}

async function setLanguage(language: Language): Promise<void> {
  const res = await page.request.patch('/api/me', { headers: { 'x-csrf-token': csrf }, data: { language } });
  assert.equal(res.status(), 200, await res.text());
}

const entry = (text: string) => page.getByTestId('timeline-entry').filter({ hasText: text });

describe('notes and logged interactions on the customer page', { timeout: 900_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa({ customers: 12 }), launchChromium()]);
    // axe is injected as an inline script, which the app's CSP rightly forbids.
    context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', bypassCSP: true, viewport: { width: 1366, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    const login = await page.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    const session = await login.json() as { csrfToken: string; account: { id: string; displayName: string } };
    csrf = session.csrfToken;
    me = session.account;
    await setLanguage('fa');
    // A customer of its own: demo customers carry demo notes that could share this test's words.
    const created = await page.request.post('/api/customers', { headers: { 'x-csrf-token': csrf }, data: { name: 'نسرین یادداشت‌پور' } });
    assert.equal(created.status(), 201, await created.text());
    customerId = ((await created.json()) as { id: string }).id;
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('adds a note, signed with the author, shown on the timeline', async () => {
    await page.goto(`/customers/${customerId}`);
    await page.getByRole('heading', { level: 2, name: fa['customer.timeline'] }).waitFor();
    await page.getByRole('button', { name: fa['notes.add'] }).click();
    const box = page.getByRole('textbox', { name: fa['notes.new'] });
    // An empty note is refused in the browser, in Persian, before any request.
    await page.getByRole('button', { name: fa['notes.save'] }).click();
    await waitUntil('the empty-note message', async () => (await box.getAttribute('aria-invalid')) === 'true');
    await box.fill(NOTE);
    await screenshot(page, 'notes-fa-desktop-composer');
    await expectAccessible(page, 'fa note composer');
    await page.getByRole('button', { name: fa['notes.save'] }).click();

    const shown = entry('فاکتور رسمی');
    await shown.waitFor();
    assert.equal(await shown.locator('.timeline-entry-text').innerText(), NOTE);
    assert.equal(await shown.getByTestId('timeline-entry-author').innerText(), fa['notes.by'].replace('{name}', me.displayName));
    await box.waitFor({ state: 'detached' });

    const [note] = (await timeline()).filter((e) => e.kind === 'note');
    assert.ok(note, 'the note is on the timeline');
    assert.equal(note.text, NOTE);
    assert.deepEqual(note.author, { type: 'user', id: me.id, name: me.displayName });
  });

  test('logs a call on a Solar Hijri day typed in Persian digits', async () => {
    const { jalali: [year, month, day], at1030 } = yesterdayInTehran();
    await page.getByRole('button', { name: fa['notes.log'] }).click();
    const dialog = page.getByRole('dialog', { name: fa['notes.logTitle'] });
    await dialog.waitFor();
    // A call starts on the phone channel; the stage is chosen.
    assert.match(await dialog.getByRole('button', { name: new RegExp(fa['notes.kind']) }).innerText(), new RegExp(fa['timeline.kind.call']));
    assert.match(await dialog.getByRole('button', { name: new RegExp(fa['notes.channel']) }).innerText(), new RegExp(fa['touchChannel.phone']));
    await dialog.getByRole('button', { name: new RegExp(fa['notes.stage']) }).click();
    await page.getByRole('option', { name: fa['timeline.stage.after-sale'], exact: true }).click();

    const date = dialog.getByRole('group', { name: fa['notes.day'] });
    await date.locator('[data-type="year"]').click();
    await page.keyboard.type(toPersianDigits(String(year)));
    await date.locator('[data-type="month"]').click();
    await page.keyboard.type(toPersianDigits(String(month).padStart(2, '0')));
    await date.locator('[data-type="day"]').click();
    await page.keyboard.type(toPersianDigits(String(day).padStart(2, '0')));
    const time = dialog.getByRole('group', { name: fa['notes.time'] });
    await time.locator('[data-type="hour"]').click();
    await page.keyboard.type('۱۰');
    await time.locator('[data-type="minute"]').click();
    await page.keyboard.type('۳۰');
    await dialog.getByRole('textbox', { name: fa['notes.said'] }).fill(CALL);
    await screenshot(page, 'notes-fa-desktop-log');
    await expectAccessible(page, 'fa log form');
    await dialog.getByRole('button', { name: fa['notes.logSave'] }).click();
    await dialog.waitFor({ state: 'detached' });

    const shown = entry(CALL);
    await shown.waitFor();
    assert.equal(await shown.getByTestId('timeline-entry-author').innerText(), fa['notes.by'].replace('{name}', me.displayName));
    const call = (await timeline()).find((e) => e.kind === 'call' && e.text === CALL);
    assert.ok(call, 'the call is on the timeline');
    assert.equal(call.occurredAt, at1030);
    assert.equal(call.channel, 'phone');
    assert.equal(call.stage, 'after-sale');
    assert.deepEqual(call.author, { type: 'user', id: me.id, name: me.displayName });
    // Its day reads in the Solar Hijri calendar with Persian digits.
    const heading = await page.locator('.timeline-item', { has: page.getByText(CALL) }).locator('time').innerText();
    assert.ok(heading.includes(toPersianDigits(String(year))), `«${heading}» shows the year ${year} in Persian digits`);
  });

  test('edits the note, marked edited; deletes it after confirming', async () => {
    const shown = entry('فاکتور رسمی');
    await shown.getByRole('button', { name: fa['notes.editNote'] }).click();
    const box = page.getByRole('textbox', { name: fa['notes.editNote'] });
    await box.fill(EDITED);
    await shown.getByRole('button', { name: fa['common.save'] }).click();
    const edited = entry(EDITED);
    await edited.getByText(fa['notes.edited']).waitFor();
    const note = (await timeline()).find((e) => e.kind === 'note')!;
    assert.equal(note.text, EDITED);
    assert.ok(note.editedAt, 'the API says when it was edited');

    await edited.getByRole('button', { name: fa['notes.deleteNote'] }).click();
    const confirm = page.getByRole('alertdialog', { name: fa['notes.deleteNoteTitle'] });
    await confirm.getByRole('button', { name: fa['common.delete'] }).click();
    await edited.waitFor({ state: 'detached' });
    assert.equal((await timeline()).filter((e) => e.kind === 'note').length, 0);
    // The logged call stays.
    await entry(CALL).waitFor();
  });

  test('reads well in fa, ar and en, on a desktop and a phone', async () => {
    // A note to show beside the call.
    const added = await page.request.post(`/api/customers/${customerId}/notes`, { headers: { 'x-csrf-token': csrf }, data: { text: 'بعد از ساعت ۵ تماس بگیرید\nPrefers calls after 5 pm' } });
    assert.equal(added.status(), 201);
    for (const language of ['fa', 'ar', 'en'] as const) {
      await setLanguage(language);
      const m = MESSAGES[language];
      for (const viewport of [{ name: 'desktop', width: 1366, height: 900 }, { name: 'phone', width: 390, height: 844 }]) {
        await page.setViewportSize(viewport);
        await page.goto(`/customers/${customerId}`);
        const heading = page.getByRole('heading', { level: 2, name: m['customer.timeline'] });
        await heading.waitFor();
        await entry(CALL).waitFor();
        await heading.scrollIntoViewIfNeeded();
        await page.getByRole('button', { name: m['notes.add'] }).click();
        await page.getByRole('textbox', { name: m['notes.new'] }).waitFor();
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= viewport.width, `${language} ${viewport.name}: the page is ${width}px wide`);
        await heading.scrollIntoViewIfNeeded();
        await screenshot(page, `notes-${language}-${viewport.name}-timeline`);
        await expectAccessible(page, `${language} ${viewport.name} timeline`);
        await page.getByRole('button', { name: m['common.cancel'] }).click();
        await page.getByRole('button', { name: m['notes.log'] }).click();
        await page.getByRole('dialog', { name: m['notes.logTitle'] }).waitFor();
        await screenshot(page, `notes-${language}-${viewport.name}-log`);
        await expectAccessible(page, `${language} ${viewport.name} log form`);
        await page.keyboard.press('Escape');
        await page.getByRole('dialog').waitFor({ state: 'detached' });
      }
    }
    await page.setViewportSize({ width: 1366, height: 900 });
    await setLanguage('fa');
  });
});
