// Files on the customers' complaint pages, in the browser: a complaint filed in Persian on a phone
// (390×844) with a photo of the receipt and a PDF, a program renamed .jpg refused in Persian with
// its name and nothing filed, the case and both files stored (staff see them on the case, checked
// by checksum); on the tracking page the customer sends one more photo without writing anything and
// sees its name in their history. Screens of the form with files chosen and of the tracking page
// in fa, ar and en at 1366 and 390 px (no Latin on fa/ar, no sideways scroll, axe).
// Run: node --import tsx --test e2e/complaint-public-files.e2e.ts
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, latinWordsOnScreen, launchChromium, noSidewaysScroll, ROOT, type RunningVafa, screenshot, startVafa } from './harness.ts';

const fa = MESSAGES.fa;
type Language = 'fa' | 'ar' | 'en';
const LOCALE: Record<Language, string> = { fa: 'fa-IR', ar: 'ar-SA', en: 'en-GB' };
const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';
const toLatin = (text: string) => text.replace(/[۰-۹]/g, (d) => String(PERSIAN.indexOf(d))).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x660));
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(3000, 7), Buffer.from([0xff, 0xd9])]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(2000, 0x90)]);

let vafa: RunningVafa;
let browser: Browser;
let staff: (method: string, url: string, body?: unknown) => Promise<unknown>;
let slug = '';
const filed = { code: '', phone: '09123334455' };

async function apiSession(email: string, password: string) {
  const login = await fetch(`${vafa.apiUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  assert.equal(login.status, 200, await login.clone().text());
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = await login.json() as { csrfToken: string };
  return async (method: string, url: string, body?: unknown) => {
    const response = await fetch(`${vafa.apiUrl}${url}`, {
      method, headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${url}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

const pages: Page[] = [];
let visitors = 0;
/** Each page another person on another device, from its own address through the loopback proxy (tracking counts tries per address). */
async function newPage(language: Language, width: number): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    locale: LOCALE[language], timezoneId: 'Asia/Tehran', bypassCSP: true, viewport: { width, height: width < 500 ? 844 : 900 },
    extraHTTPHeaders: { 'x-forwarded-for': `10.92.0.${++visitors}` },
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  pages.push(page);
  return { context, page };
}

afterEach(async () => {
  for (const [i, page] of pages.entries()) {
    if (page.isClosed()) continue;
    console.error(`page ${i} ended at ${page.url()}`);
    await page.screenshot({ path: path.join(ROOT, 'test-output', `complaint-public-files-last-${i}.png`) }).catch(() => undefined);
  }
  pages.length = 0;
});

const filesInput = (page: Page) => page.getByTestId('public-files-input');

describe('files on the public complaint pages', { timeout: 900_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa({ customers: 5, env: { VAFA_TRUST_PROXY: '127.0.0.1' } }), launchChromium()]);
    staff = await apiSession(vafa.email, vafa.password);
    slug = (await staff('GET', '/api/workspace') as { slug: string }).slug;
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('Persian on a phone: a program named .jpg is refused by name and nothing is filed; a receipt photo and a PDF file with the case; staff get both', async () => {
    const { context, page } = await newPage('fa', 390);
    await page.goto(`${vafa.baseUrl}/c/${slug}/complaint?lang=fa`);
    await page.getByRole('heading', { level: 1, name: fa['complaintPublic.title'] }).waitFor();
    await page.getByRole('textbox', { name: fa['complaintPublic.name'] }).fill('مریم رضایی');
    await page.getByRole('textbox', { name: fa['complaintPublic.phone'] }).fill('۰۹۱۲۳۳۳۴۴۵۵');
    await page.getByRole('textbox', { name: fa['complaintPublic.description'] }).fill('گوشی شکسته رسید. عکس رسید و فاکتور را پیوست کرده‌ام.');
    await page.getByRole('button', { name: fa['complaintPublic.chooseFiles'] }).waitFor();

    // A program dressed as a photo: chosen, sent, refused by the server by its content, named in Persian.
    await filesInput(page).setInputFiles([{ name: 'عکس رسید.jpg', mimeType: 'image/jpeg', buffer: EXE }]);
    const list = page.getByTestId('public-files').getByRole('listitem');
    assert.equal(await list.count(), 1);
    const refused = page.waitForResponse((res) => res.url().endsWith('/api/public/complaints/with-attachments'));
    await page.getByRole('button', { name: fa['complaintPublic.send'] }).click();
    assert.equal((await refused).status(), 422);
    await page.getByText(fa['complaintPublic.fileRefused'].replace('{name}', 'عکس رسید.jpg')).waitFor();
    assert.deepEqual(await latinWordsOnScreen(page), [], 'the refusal is said in Persian');
    const none = await staff('GET', '/api/complaints?state=all&limit=200') as { items: unknown[] };
    assert.equal(none.items.length, 0, 'nothing was filed');

    // Take it out (by its Persian-named remove button), add the real photo and the PDF, one pick each.
    await page.getByRole('button', { name: fa['complaintPublic.removeFile'].replace('{name}', 'عکس رسید.jpg') }).click();
    assert.equal(await list.count(), 0);
    await filesInput(page).setInputFiles([{ name: 'عکس رسید.jpg', mimeType: 'image/jpeg', buffer: JPEG }]);
    await page.getByRole('button', { name: fa['complaintPublic.chooseMoreFiles'] }).waitFor();
    await filesInput(page).setInputFiles([{ name: 'فاکتور.pdf', mimeType: 'application/pdf', buffer: PDF }]);
    assert.equal(await list.count(), 2);
    assert.deepEqual(await latinWordsOnScreen(page), []);
    await noSidewaysScroll(page, 'form with files fa 390');
    await expectAccessible(page, 'form with files fa 390');
    await screenshot(page, 'complaint-public-files/flow-fa-390-chosen', { fullPage: true });

    const sent = page.waitForResponse((res) => res.url().endsWith('/api/public/complaints/with-attachments'));
    await page.getByRole('button', { name: fa['complaintPublic.send'] }).click();
    const response = await sent;
    assert.equal(response.status(), 201, await response.text());
    const big = page.getByTestId('tracking-code');
    await big.waitFor();
    filed.code = toLatin((await big.locator('bdi').textContent())!).replace(/\s/g, '');
    assert.match(filed.code, /^\d{12}$/);

    const cases = await staff('GET', '/api/complaints?state=all&limit=200') as { items: { id: string; trackingCode: string }[] };
    assert.equal(cases.items.length, 1);
    const id = cases.items.find((c) => c.trackingCode === filed.code)!.id;
    const thread = await staff('GET', `/api/complaints/${id}/thread`) as { attachments: { fileName: string; source: string; sha256: string; contentType: string }[] };
    assert.deepEqual(thread.attachments.map((a) => [a.fileName, a.contentType, a.source, a.sha256]), [
      ['عکس رسید.jpg', 'image/jpeg', 'customer', sha256(JPEG)],
      ['فاکتور.pdf', 'application/pdf', 'customer', sha256(PDF)],
    ]);
    await context.close();
  });

  test('Persian on a phone: the tracking page takes a photo without a message and lists its name in the history', async () => {
    const { context, page } = await newPage('fa', 390);
    await page.goto(`${vafa.baseUrl}/c/${slug}/track?code=${filed.code}&lang=fa`);
    await page.getByRole('textbox', { name: fa['complaintPublic.verification'] }).fill('۴۴۵۵');
    await page.getByRole('button', { name: fa['complaintPublic.show'] }).click();
    await page.getByTestId('tracking-result').waitFor();
    await filesInput(page).setInputFiles([{ name: 'جعبه.jpg', mimeType: 'image/jpeg', buffer: JPEG }]);
    const sent = page.waitForResponse((res) => res.url().endsWith('/api/public/complaints/case/attachments'));
    await page.getByRole('button', { name: fa['complaintPublic.sendInfo'] }).click();
    assert.equal((await sent).status(), 200);
    await page.getByText(fa['complaintPublic.added']).waitFor();
    const mine = page.locator('.history-your_message').first();
    await mine.getByText('جعبه.jpg').waitFor();
    await mine.getByText(fa['complaintPublic.youSentFiles']).waitFor();
    assert.deepEqual(await latinWordsOnScreen(page), []);
    await noSidewaysScroll(page, 'tracking with a file fa 390');
    await expectAccessible(page, 'tracking with a file fa 390');
    await context.close();
  });

  test('screens in fa, ar and en at 1366 and 390 px: the form with files chosen, the tracking page with the customer\'s files', async () => {
    for (const language of ['fa', 'ar', 'en'] as const) {
      const m = MESSAGES[language];
      for (const width of [1366, 390]) {
        const name = `${language}-${width}`;
        const { context, page } = await newPage(language, width);
        await page.goto(`${vafa.baseUrl}/c/${slug}/complaint?lang=${language}`);
        await page.getByRole('heading', { level: 1, name: m['complaintPublic.title'] }).waitFor();
        assert.equal(await page.evaluate(() => document.documentElement.dir), language === 'en' ? 'ltr' : 'rtl');
        await filesInput(page).setInputFiles([
          { name: language === 'en' ? 'receipt photo.jpg' : language === 'ar' ? 'صورة الإيصال.jpg' : 'عکس رسید.jpg', mimeType: 'image/jpeg', buffer: JPEG },
          { name: 'invoice-2026-12-05-with-a-very-long-name-that-must-not-widen-the-page.pdf', mimeType: 'application/pdf', buffer: PDF },
        ]);
        await page.getByTestId('public-files').getByRole('listitem').nth(1).waitFor();
        if (language !== 'en') assert.deepEqual(await latinWordsOnScreen(page), [], name);
        await noSidewaysScroll(page, `form ${name}`);
        await expectAccessible(page, `form ${name}`);
        await page.getByTestId('public-files').scrollIntoViewIfNeeded();
        await screenshot(page, `complaint-public-files/form-${name}`);

        await page.goto(`${vafa.baseUrl}/c/${slug}/track?code=${filed.code}&lang=${language}`);
        await page.getByRole('textbox', { name: m['complaintPublic.verification'] }).fill('4455');
        await page.getByRole('button', { name: m['complaintPublic.show'] }).click();
        await page.getByTestId('tracking-result').waitFor();
        await page.locator('.history-files').first().waitFor();
        if (language !== 'en') assert.deepEqual(await latinWordsOnScreen(page), [], `tracking ${name}`);
        await noSidewaysScroll(page, `tracking ${name}`);
        await expectAccessible(page, `tracking ${name}`);
        await screenshot(page, `complaint-public-files/track-${name}`, { fullPage: true });
        await context.close();
      }
    }
  });
});
