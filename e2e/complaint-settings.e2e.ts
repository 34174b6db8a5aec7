// Complaint settings, prevention and reports in the browser, in Persian (Jalali dates, Persian
// digits): a manager edits the business hours with a lunch break (an overlapping period is refused
// on its field by the server), corrects a moon-sighted holiday in the Solar Hijri calendar, adds a
// root cause and sees it in the taxonomy, plans a preventive action and moves it to done, and the
// reports show the Pareto of the cases this test closed through the API, mirrored right to left.
// With VAFA_SHOTS=1 it also screenshots each screen.
// Run: node --import tsx --test e2e/complaint-settings.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa } from './harness.ts';

const fa = MESSAGES.fa;
const SHOTS = process.env.VAFA_SHOTS === '1';
const FA_TAG = 'fa-IR-u-ca-persian-nu-arabext';
const weekday = (d: number) => new Intl.DateTimeFormat(FA_TAG, { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2023, 0, 1 + d)));
const persian = (n: number | string) => String(n).replace(/[0-9]/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);
const fill = (template: string, values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');

let vafa: RunningVafa;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let csrf = '';

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await page.request.fetch(path, { method, headers: { 'x-csrf-token': csrf }, data: body });
  assert.ok(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`);
  return (res.status() === 204 ? undefined : await res.json()) as T;
}

/** A case taken from intake to closure with a root cause. */
async function closedCase(rootCause: string, category: string): Promise<void> {
  const c = await api<{ id: string }>('POST', '/api/complaints', { channel: 'phone', description: 'بسته خراب رسید', category, severity: 'medium' });
  const step = (action: string, extra: object = {}) => api('POST', `/api/complaints/${c.id}/actions`, { action, ...extra });
  await step('acknowledge');
  await step('assess');
  await step('propose_resolution', { resolutionSummary: 'کالای تازه فرستاده شد', rootCause });
  await step('communicate_resolution', { resolutionSummary: 'کالای تازه فرستاده شد', rootCause });
  await step('close', { resolutionSummary: 'کالای تازه فرستاده شد', rootCause });
}

async function choose(scope: Page | Locator, label: string, option: string) {
  await scope.getByRole('button', { name: new RegExp(label) }).first().click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** Digits typed as a Persian keyboard gives them. */
async function typeTime(field: Locator, hour: string, minute: string) {
  await field.locator('[data-type="hour"]').click();
  await page.keyboard.type(persian(hour));
  await field.locator('[data-type="minute"]').click();
  await page.keyboard.type(persian(minute));
}

async function typeDate(group: Locator, year: string, month: string, day: string) {
  await group.locator('[data-type="year"]').click();
  await page.keyboard.type(persian(year));
  await group.locator('[data-type="month"]').click();
  await page.keyboard.type(persian(month));
  await group.locator('[data-type="day"]').click();
  await page.keyboard.type(persian(day));
}

async function look(name: string) {
  if (!SHOTS) return;
  await screenshot(page, `complaint-settings/${name}`, { fullPage: true });
}

describe('complaint settings, prevention and reports', { timeout: 900_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa(), launchChromium()]);
    context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 1366, height: 900 }, bypassCSP: true });
    page = await context.newPage();
    const login = await page.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    csrf = (await login.json() as { csrfToken: string }).csrfToken;
    await api('PATCH', '/api/me', { language: 'fa' });
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('business hours with a lunch break; an overlapping period is refused on its field', async () => {
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto('/complaints/settings?section=hours');
    await page.getByRole('heading', { level: 2, name: fa['complaints.settings.hours.title'] }).waitFor();
    const monday = page.getByRole('group', { name: weekday(1), exact: true });
    // Start the day afresh: take its periods away, then add a morning and an afternoon.
    const remove = monday.getByRole('button', { name: new RegExp(`^${fill(fa['complaints.settings.hours.removePeriod'], { n: '.', day: weekday(1) })}$`) });
    while (await remove.count()) await remove.first().click();
    await monday.getByRole('button', { name: fill(fa['complaints.settings.hours.addPeriodTo'], { day: weekday(1) }) }).click();
    const first = monday.getByRole('group', { name: fill(fa['complaints.settings.hours.period'], { n: '۱' }) });
    await typeTime(first.getByRole('group', { name: fa['complaints.settings.hours.from'], exact: true }), '08', '30');
    await typeTime(first.getByRole('group', { name: fa['complaints.settings.hours.to'], exact: true }), '12', '30');
    await monday.getByRole('button', { name: fill(fa['complaints.settings.hours.addPeriodTo'], { day: weekday(1) }) }).click();
    const second = monday.getByRole('group', { name: fill(fa['complaints.settings.hours.period'], { n: '۲' }) });
    // 12:00 starts before the morning ends: the server says so on that field.
    await typeTime(second.getByRole('group', { name: fa['complaints.settings.hours.from'], exact: true }), '12', '00');
    await typeTime(second.getByRole('group', { name: fa['complaints.settings.hours.to'], exact: true }), '17', '00');
    await page.getByRole('button', { name: fa['common.save'], exact: true }).click();
    await second.getByText(fa['complaints.settings.code.overlapping_periods']).waitFor();
    await look('fa-hours-refused');
    await typeTime(second.getByRole('group', { name: fa['complaints.settings.hours.from'], exact: true }), '13', '30');
    await page.getByRole('button', { name: fa['common.save'], exact: true }).click();
    await page.getByText(fa['complaints.settings.hours.saved']).waitFor();
    const calendar = await api<{ defaultHours: Record<string, { from: string; to: string }[]>; saved: boolean }>('GET', '/api/complaints/settings/calendar');
    assert.equal(calendar.saved, true);
    assert.deepEqual(calendar.defaultHours['1'], [{ from: '08:30', to: '12:30' }, { from: '13:30', to: '17:00' }]);
    await expectAccessible(page, 'fa hours');
    assert.deepEqual(errors, []);
  });

  test('a moon-sighted holiday is corrected in the Solar Hijri calendar', async () => {
    await page.goto('/complaints/settings?section=holidays');
    await page.getByRole('heading', { level: 2, name: fa['complaints.settings.holidays.title'] }).waitFor();
    // Back to 2026, whatever today is: its Eid al-Fitr is an Umm al-Qura estimate (20 March).
    const yearLabel = page.locator('.year-range');
    await yearLabel.waitFor();
    const thisYear = new Date().getFullYear();
    for (let y = thisYear; y > 2026; y--) await page.getByRole('button', { name: fa['complaints.settings.holidays.previousYear'] }).click();
    for (let y = thisYear; y < 2026; y++) await page.getByRole('button', { name: fa['complaints.settings.holidays.nextYear'] }).click();
    const eid = page.locator('[data-holiday="eid-al-fitr"]');
    await eid.getByText(fa['complaints.settings.holidays.estimated']).waitFor();
    const name = fa['complaints.settings.holiday.eid-al-fitr'];
    await eid.getByRole('button', { name: fill(fa['complaints.settings.holidays.correctNamed'], { name }) }).click();
    const dialog = page.getByRole('dialog', { name: fill(fa['complaints.settings.holidays.correctTitle'], { name }) });
    // Sighted a day later: 1 Farvardin 1405 (21 March 2026), two days.
    await typeDate(dialog.getByRole('group', { name: fa['complaints.settings.holidays.firstDay'] }).first(), '1405', '01', '01');
    await dialog.getByRole('textbox', { name: fa['complaints.settings.holidays.days'] }).fill('۲');
    await dialog.getByRole('button', { name: fa['common.save'] }).click();
    await dialog.waitFor({ state: 'detached' });
    await eid.getByText(fa['complaints.settings.holidays.corrected']).waitFor();
    const calendar = await api<{ holidayOverrides: { holiday: string; year: number; from: string; days?: number }[] }>('GET', '/api/complaints/settings/calendar');
    assert.deepEqual(calendar.holidayOverrides.find((o) => o.holiday === 'eid-al-fitr'), { holiday: 'eid-al-fitr', year: 1447, from: '2026-03-21', days: 2 });
    const holidays = await api<{ occurrences: { holiday: string; dates: string[]; estimated: boolean; overridden: boolean }[] }>('GET', '/api/complaints/settings/holidays?year=2026');
    const occurrence = holidays.occurrences.find((o) => o.holiday === 'eid-al-fitr');
    assert.deepEqual(occurrence && { dates: occurrence.dates, estimated: occurrence.estimated, overridden: occurrence.overridden },
      { dates: ['2026-03-21', '2026-03-22'], estimated: false, overridden: true });

    // A shop that opens on Nature Day: its day counts as a working day, and can be a day off again.
    const nature = page.locator('[data-holiday="nature-day"]');
    const natureName = fa['complaints.settings.holiday.nature-day'];
    await nature.getByRole('button', { name: fill(fa['complaints.settings.holidays.workNamed'], { name: natureName }) }).click();
    await nature.getByText(fa['complaints.settings.holidays.worked']).waitFor();
    const natureDates = (await api<{ occurrences: { holiday: string; dates: string[] }[] }>('GET', '/api/complaints/settings/holidays?year=2026'))
      .occurrences.find((o) => o.holiday === 'nature-day')!.dates;
    assert.deepEqual(natureDates, ['2026-04-02']);
    assert.deepEqual((await api<{ removedHolidays: string[] }>('GET', '/api/complaints/settings/calendar')).removedHolidays, ['2026-04-02']);
    assert.ok(!(await api<{ daysOff: string[] }>('GET', '/api/complaints/settings/holidays?year=2026')).daysOff.includes('2026-04-02'), 'no longer a day off');
    await look('fa-holidays');
    await nature.getByRole('button', { name: fill(fa['complaints.settings.holidays.dayOffNamed'], { name: natureName }) }).click();
    await nature.getByRole('button', { name: fill(fa['complaints.settings.holidays.workNamed'], { name: natureName }) }).waitFor();
    assert.deepEqual((await api<{ removedHolidays: string[] }>('GET', '/api/complaints/settings/calendar')).removedHolidays, []);
  });

  test('a new root cause joins the taxonomy', async () => {
    await page.goto('/complaints/settings?section=causes');
    await page.getByRole('heading', { level: 2, name: fa['complaints.settings.cause.title'] }).waitFor();
    await page.getByRole('button', { name: fa['complaints.settings.cause.add'] }).click();
    const dialog = page.getByRole('dialog', { name: fa['complaints.settings.cause.addTitle'] });
    await dialog.getByRole('textbox', { name: fa['complaints.settings.cause.code'] }).fill('packaging_damage');
    await choose(dialog, fa['complaints.settings.cause.dimension'], fa['complaints.settings.dimension.tangibles']);
    await dialog.getByRole('textbox', { name: fa['complaints.settings.cause.labelFa'] }).fill('آسیب بسته‌بندی');
    await dialog.getByRole('textbox', { name: fa['complaints.settings.cause.labelAr'] }).fill('تلف التغليف');
    await dialog.getByRole('textbox', { name: fa['complaints.settings.cause.labelEn'] }).fill('Packaging damage');
    await dialog.getByRole('button', { name: fa['common.save'] }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.locator('tr[data-code="packaging_damage"]');
    await row.getByText('آسیب بسته‌بندی').waitFor();
    assert.match(await row.textContent() ?? '', new RegExp(fa['complaints.settings.dimension.tangibles']));
    const taxonomy = await api<{ items: { code: string; dimension: string; labels: { en: string } }[] }>('GET', '/api/complaints/root-causes');
    assert.deepEqual(taxonomy.items.find((c) => c.code === 'packaging_damage')?.dimension, 'tangibles');
    await look('fa-causes');
  });

  test('a preventive action is planned and moved to done', async () => {
    const session = await api<{ account: { id: string; displayName: string } }>('GET', '/api/auth/session');
    await page.goto('/complaints/prevention');
    await page.getByRole('heading', { level: 1, name: fa['complaints.prevention.title'] }).waitFor();
    await page.getByRole('button', { name: fa['complaints.prevention.add'] }).click();
    const dialog = page.getByRole('dialog', { name: fa['complaints.prevention.addTitle'] });
    await dialog.getByRole('textbox', { name: fa['complaints.prevention.titleField'] }).fill('جعبهٔ دولایه برای کالای شکستنی');
    await choose(dialog, fa['complaints.prevention.owner'], session.account.displayName);
    // Due far ahead so it is not overdue: 15 Esfand 1410.
    await typeDate(dialog.getByRole('group', { name: fa['complaints.prevention.due'] }).first(), '1410', '12', '15');
    await choose(dialog, fa['complaints.prevention.rootCause'], 'آسیب بسته‌بندی');
    await dialog.getByRole('button', { name: fa['common.save'] }).click();
    await dialog.waitFor({ state: 'detached' });
    const open = page.locator('[data-status="open"]');
    const card = open.locator('.board-card', { hasText: 'جعبهٔ دولایه برای کالای شکستنی' });
    await card.getByText('آسیب بسته‌بندی').waitFor();
    await look('fa-prevention-open');
    await card.getByRole('button', { name: fa['complaints.prevention.moveTo.done'], exact: true }).click();
    await page.locator('[data-status="done"] .board-card', { hasText: 'جعبهٔ دولایه برای کالای شکستنی' }).waitFor();
    const actions = await api<{ items: { title: string; status: string; dueDate: string; rootCause: string | null; ownerId: string }[] }>('GET', '/api/complaints/preventive-actions');
    const saved = actions.items.find((a) => a.title === 'جعبهٔ دولایه برای کالای شکستنی');
    assert.deepEqual(saved && { status: saved.status, dueDate: saved.dueDate, rootCause: saved.rootCause, ownerId: saved.ownerId },
      { status: 'done', dueDate: '2032-03-05', rootCause: 'packaging_damage', ownerId: session.account.id });
    await expectAccessible(page, 'fa prevention');
  });

  test('the reports show the Pareto of the cases closed through the API, right to left', async () => {
    for (let i = 0; i < 3; i++) await closedCase('packaging_damage', 'ارسال');
    for (let i = 0; i < 2; i++) await closedCase('delivery', 'ارسال');
    await closedCase('price_billing', 'پرداخت');
    await page.goto('/complaints/reports');
    await page.getByRole('heading', { level: 1, name: fa['complaints.reports.title'] }).waitFor();
    const pareto = page.getByTestId('pareto');
    await page.locator('[data-testid="pareto"][data-state="drawn"]').waitFor();
    await pareto.getByText(fa['chart.showNumbers']).click();
    const rows = pareto.locator('tbody tr');
    const half = new Intl.NumberFormat(FA_TAG, { style: 'percent', maximumFractionDigits: 1 }).format(0.5);
    await rows.first().waitFor();
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-code'))), ['packaging_damage', 'delivery', 'price_billing']);
    assert.deepEqual((await rows.first().locator('td').allTextContents()).map((s) => s.trim()),
      [fa['complaints.settings.dimension.tangibles'], persian(3), half, half]);
    assert.match(await page.getByTestId('tile-received').textContent() ?? '', new RegExp(persian(6)));
    // Mirrored by hand: the largest cause stands rightmost in Persian.
    const x = async (text: string) => pareto.locator('svg text', { hasText: text }).first().evaluate((el) => el.getBoundingClientRect().x);
    assert.ok(await x('آسیب') > await x('قیمت'), 'the first bar is on the right');
    await look('fa-reports');
    await expectAccessible(page, 'fa reports');
  });
});
