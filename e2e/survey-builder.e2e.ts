// The survey builder in Chromium on a phone-size page (390×844), in Persian: a survey made from
// the NPS template, a question added and moved with the keyboard-reachable buttons, a branch set
// on the NPS answer, the draft saved, then published as version 1. Screenshots of the list, the
// new-survey screen and the builder in fa, ar and en at 390 and 1366 px.
// Run: node --import tsx --test e2e/survey-builder.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { LocalText, SurveyView } from '@vafa/contracts';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa } from './harness.ts';

const fa = MESSAGES.fa;
const FOLLOW_UP = 'چه کاری می‌توانستیم بهتر انجام دهیم؟';
const faDigits = (n: number) => String(n).replace(/\d/g, (d) => String.fromCharCode(0x06f0 + Number(d)));

let vafa: RunningVafa;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let csrf = '';
let surveyId = '';

async function useLanguage(language: 'fa' | 'ar' | 'en') {
  const response = await page.request.patch('/api/me', { data: { language }, headers: { 'X-CSRF-Token': csrf } });
  assert.equal(response.status(), 200);
}

async function survey(): Promise<SurveyView> {
  const response = await page.request.get(`/api/surveys/${surveyId}`);
  assert.equal(response.status(), 200);
  return await response.json() as SurveyView;
}

/** Clicks a control's label after bringing it to the middle of the screen (the phone's action bar covers the foot). */
async function tapLabel(text: string) {
  const label = page.locator('label', { hasText: text }).first();
  await label.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await label.click();
}

async function noSidewaysScroll(name: string) {
  const width = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, view: window.innerWidth }));
  assert.ok(width.scroll <= width.view, `${name}: ${width.scroll - width.view}px wider than the screen`);
}

describe('survey builder', { timeout: 600_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa({ customers: 10 }), launchChromium()]);
    // axe runs as an inline script, which the app's CSP rightly forbids.
    context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', bypassCSP: true, viewport: { width: 390, height: 844 } });
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    const login = await page.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    csrf = (await login.json() as { csrfToken: string }).csrfToken;
    await useLanguage('fa');
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('makes a survey from the NPS template in Persian on a phone', async () => {
    const templates = await (await page.request.get('/api/survey-templates')).json() as { items: { key: string; name: LocalText }[] };
    const nps = templates.items.find((x) => x.key === 'nps')!;

    await page.goto('/feedback/surveys');
    await page.getByRole('heading', { level: 1, name: fa['surveys.list.title'] }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    await page.getByRole('button', { name: fa['surveys.list.new'] }).click();
    await page.getByRole('heading', { level: 1, name: fa['surveys.templates.title'] }).waitFor();
    // Persian is the reader's language, so the survey starts in Persian alone.
    assert.equal(await page.getByRole('checkbox', { name: fa['language.fa'] }).isChecked(), true);
    assert.equal(await page.getByRole('checkbox', { name: fa['language.en'] }).isChecked(), false);
    await expectAccessible(page, 'new survey');
    await noSidewaysScroll('new survey');
    await page.getByRole('button', { name: `${fa['surveys.templates.use']} ${nps.name.fa!}` }).click();

    await page.waitForURL(/\/feedback\/surveys\/[0-9a-f-]{36}$/);
    surveyId = page.url().split('/').pop()!;
    await page.getByRole('heading', { level: 1, name: nps.name.fa! }).waitFor();
    await page.getByText(fa['surveys.tabs.neverPublished']).waitFor();
    const before = await survey();
    assert.deepEqual(before.settings.languages, ['fa']);
    assert.equal(before.status, 'draft');
    await expectAccessible(page, 'builder');
    await noSidewaysScroll('builder');

    // On a phone the preview is behind a button, in place of the editor, and back.
    assert.equal(await page.locator('.builder-side').isVisible(), false);
    await page.getByRole('button', { name: fa['surveys.builder.preview'], exact: true }).click();
    await page.locator('.builder-side').getByRole('heading', { name: fa['surveys.builder.preview'] }).waitFor();
    assert.equal(await page.getByRole('heading', { name: fa['surveys.builder.about'] }).isVisible(), false);
    await page.getByRole('button', { name: fa['surveys.builder.backToEditing'] }).click();
    await page.getByRole('heading', { name: fa['surveys.builder.about'] }).waitFor();
  });

  test('adds a written question, moves it up, makes it depend on the NPS answer and saves', async () => {
    const before = await survey();
    const count = before.questions.length;
    await page.getByRole('button', { name: fa['surveys.builder.addQuestion'], exact: true }).click();
    const dialog = page.getByRole('dialog', { name: fa['surveys.builder.addQuestionTitle'] });
    await dialog.getByRole('button', { name: new RegExp(fa['surveys.builder.type.text']) }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.ok(await page.getByText(fa['surveys.builder.unsavedEdits']).isVisible(), 'the edit is marked unsaved');

    const added = page.locator('.question-card').nth(count);
    await added.getByRole('textbox', { name: fa['surveys.builder.questionTitle'], exact: true }).fill(FOLLOW_UP);
    // Up one place with the button, not by dragging.
    await page.getByRole('button', { name: fa['surveys.builder.moveUp'].replace('{n, number}', faDigits(count + 1)) }).click();
    const moved = page.locator('.question-card').nth(count - 1);
    await moved.getByRole('textbox', { name: fa['surveys.builder.questionTitle'], exact: true }).waitFor();
    assert.equal(await moved.getByRole('textbox', { name: fa['surveys.builder.questionTitle'], exact: true }).inputValue(), FOLLOW_UP);

    // Shown only to detractors: NPS (the first question) at most 6, the usual default.
    await moved.getByText(fa['surveys.builder.branchToggle']).click();
    await moved.getByRole('button', { name: new RegExp(fa['surveys.builder.branchQuestion']) }).click();
    await page.getByRole('option', { name: new RegExp(`^${fa['surveys.builder.questionN'].replace('{n, number}', '۱')}:`) }).click();
    await moved.getByText('اگر پاسخ پرسش ۱ حداکثر ۶ باشد').waitFor();

    await page.getByRole('button', { name: fa['surveys.builder.saveDraft'] }).click();
    await page.getByText(fa['surveys.builder.saved']).first().waitFor();
    await page.getByText(fa['surveys.builder.allSaved']).waitFor();
    const saved = await survey();
    assert.equal(saved.questions.length, count + 1);
    const question = saved.questions[count - 1]!;
    assert.equal(question.type, 'text');
    assert.equal(question.title.fa, FOLLOW_UP);
    assert.deepEqual(question.showIf, { question: saved.questions[0]!.id, op: 'lte', value: 6 });
    assert.equal(saved.version, 0);
    await noSidewaysScroll('builder after save');
  });

  test('publishes version 1 after saying what a version means', async () => {
    await page.getByRole('button', { name: fa['surveys.builder.publish'], exact: true }).click();
    const confirm = page.getByRole('alertdialog', { name: fa['surveys.builder.publishFirstTitle'] });
    await confirm.getByText(fa['surveys.builder.publishFirstBody']).waitFor();
    await confirm.getByRole('button', { name: fa['surveys.builder.publishConfirm'].replace('{version}', '۱') }).click();
    await page.getByText(fa['surveys.builder.published'].replace('{version}', '۱')).first().waitFor();
    await page.locator('.survey-meta').getByText(fa['surveys.tabs.version'].replace('{version}', '۱'), { exact: true }).waitFor();
    await page.locator('.survey-meta').getByText(fa['surveys.status.live']).waitFor();
    const live = await survey();
    assert.equal(live.status, 'live');
    assert.equal(live.version, 1);
    assert.equal(live.draftChanged, false);
    await expectAccessible(page, 'builder after publishing');
  });

  test('a new language is refused until its texts are written, and the builder shows where', async () => {
    await tapLabel(fa['language.en']);
    const writingIn = page.getByRole('radiogroup', { name: fa['surveys.builder.writingIn'] });
    await writingIn.waitFor();
    await page.getByRole('button', { name: fa['surveys.builder.saveDraft'] }).click();
    const banner = page.getByTestId('builder-error');
    await banner.waitFor();
    // Each missing text is named with its place and its language.
    await banner.getByText(fa['surveys.builder.error.missing_translation_in'].replace('{language}', fa['language.en'])).first().waitFor();
    assert.equal((await survey()).settings.languages.length, 1, 'nothing saved');

    await page.getByRole('button', { name: fa['surveys.builder.publishChanges'] }).click();
    const missing = page.getByRole('alertdialog', { name: fa['surveys.builder.missingTitle'] });
    await missing.getByRole('button', { name: fa['surveys.builder.showMissing'] }).click();
    await missing.waitFor({ state: 'detached' });
    // Writing in English now, at the first empty English text.
    await page.waitForFunction(() => document.activeElement?.matches('.field-missing textarea, .field-missing input') && (document.activeElement as HTMLElement).dir === 'ltr');
    assert.equal(await writingIn.getByRole('radio', { name: new RegExp(fa['language.en']) }).getAttribute('aria-checked'), 'true');

    // Taking the language away again leaves nothing unsaved.
    await tapLabel(fa['language.en']);
    await page.getByText(fa['surveys.builder.allSaved']).waitFor({ state: 'attached' });
  });

  test('the list shows it live at version 1', async () => {
    await page.goto('/feedback/surveys');
    const row = page.getByRole('row').filter({ has: page.locator(`a[href="/feedback/surveys/${surveyId}"]`) });
    await row.getByText(fa['surveys.status.live'], { exact: true }).waitFor();
    await row.getByText(fa['surveys.list.versionN'].replace('{version}', '۱'), { exact: true }).waitFor();
    await expectAccessible(page, 'survey list');
    await noSidewaysScroll('survey list');
  });

  test('screenshots of the list, the new survey and the builder in fa, ar and en', async () => {
    for (const width of [390, 1366]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      for (const language of ['fa', 'ar', 'en'] as const) {
        await useLanguage(language);
        for (const [name, path] of [['list', '/feedback/surveys'], ['new', '/feedback/surveys/new'], ['builder', `/feedback/surveys/${surveyId}`]] as const) {
          await page.goto(path);
          await page.locator('h1').waitFor();
          await page.waitForFunction(() => !document.querySelector('.skeleton'));
          await screenshot(page, `surveys/${language}-${width}-${name}`, { fullPage: true });
          await noSidewaysScroll(`${language} ${width} ${name}`);
        }
      }
    }
    await useLanguage('fa');
  });
});
