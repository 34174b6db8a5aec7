import { PersianCalendar, CalendarDate } from '@internationalized/date';
import { SurveyDefinition, type Question } from '@vafa/contracts';
import { describe, expect, it } from 'vitest';
import { closingDay, closingInstant } from './builder-dates.ts';
import {
  QUESTION_TYPES, addQuestion, blankQuestion, branchOps, branchProblem, branchTargets, defaultShowIf, dependentsOf, duplicateQuestion,
  isHiddenFieldName, missingCounts, missingTranslations, moveQuestion, newId, onlyLanguages, parseWhole, removeQuestion, sameDefinition, setShowIf, withLanguages, withOp, withScale, withText,
  type Definition,
} from './builder-model.ts';

const nps: Question = { id: 'nps', type: 'nps', title: { fa: 'چقدر ما را توصیه می‌کنید؟', en: 'How likely are you to recommend us?' }, required: true };
const why: Question = { id: 'why', type: 'text', title: { fa: 'چه چیزی بد بود؟', en: 'What went wrong?' }, required: false, multiline: true, maxLength: 2000, showIf: { question: 'nps', op: 'lte', value: 6 } };
const pick: Question = {
  id: 'pick', type: 'single_choice', title: { fa: 'کدام شعبه؟', en: 'Which branch?' }, required: false, allowOther: true,
  options: [{ id: 'north', label: { fa: 'شمال', en: 'North' } }, { id: 'south', label: { fa: 'جنوب', en: 'South' } }],
};

function survey(questions: Question[], languages: ('fa' | 'ar' | 'en')[] = ['fa', 'en']): Definition {
  return { name: 'NPS', kind: 'customer', settings: { anonymous: false, languages, defaultLanguage: languages[0]!, hiddenFields: [] }, questions };
}

describe('questions', () => {
  it('every type the contract has starts out as a valid question once titled', () => {
    for (const type of QUESTION_TYPES) {
      const q = blankQuestion(type, newId('q', []), { fa: 'عنوان' });
      const options = q.type === 'single_choice' || q.type === 'multiple_choice' ? q.options.map((o) => ({ ...o, label: { fa: 'گزینه' } })) : undefined;
      const parsed = SurveyDefinition.safeParse(survey([options ? { ...q, options } as Question : q], ['fa']));
      expect(parsed.success, `${type}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });

  it('new ids never repeat one in use and fit the contract', () => {
    const taken = ['q_aaaaaa'];
    let calls = 0;
    // The first draw collides; the next does not.
    const id = newId('q', taken, () => (calls++ < 6 ? 0 : 0.5));
    expect(id).not.toBe('q_aaaaaa');
    expect(id).toMatch(/^[a-z][a-z0-9_]{0,39}$/);
  });

  it('adds at the end or after a question, and moves up and down within bounds', () => {
    let d = survey([nps, pick]);
    d = addQuestion(d, why, 0);
    expect(d.questions.map((q) => q.id)).toEqual(['nps', 'why', 'pick']);
    d = moveQuestion(d, 2, -1);
    expect(d.questions.map((q) => q.id)).toEqual(['nps', 'pick', 'why']);
    expect(moveQuestion(d, 0, -1)).toBe(d);
    expect(moveQuestion(d, 2, 1)).toBe(d);
  });

  it('duplicates right after the original with a new id and a deep copy', () => {
    const d = duplicateQuestion(survey([nps, pick]), 1, 'pick_copy');
    expect(d.questions.map((q) => q.id)).toEqual(['nps', 'pick', 'pick_copy']);
    const copy = d.questions[2] as Extract<Question, { type: 'single_choice' }>;
    copy.options[0]!.label.fa = 'تغییر';
    expect(pick.options[0]!.label.fa).toBe('شمال');
  });

  it('deleting a question shows the questions that depended on it always', () => {
    const d = survey([nps, why, pick]);
    expect(dependentsOf(d, 'nps')).toEqual([1]);
    const after = removeQuestion(d, 0);
    expect(after.questions.map((q) => q.id)).toEqual(['why', 'pick']);
    expect(after.questions[0]!.showIf).toBeUndefined();
  });
});

describe('branching', () => {
  it('offers only earlier questions', () => {
    const qs = [nps, pick, why];
    expect(branchTargets(qs, 0)).toEqual([]);
    expect(branchTargets(qs, 2).map((q) => q.id)).toEqual(['nps', 'pick']);
  });

  it('compares scores, picks options, or asks whether answered, by the target type', () => {
    expect(branchOps(nps)).toContain('lte');
    expect(branchOps(pick)).toEqual(['in', 'answered']);
    expect(branchOps(why)).toEqual(['answered']);
    expect(defaultShowIf(nps)).toEqual({ question: 'nps', op: 'lte', value: 6 });
    expect(defaultShowIf(pick)).toEqual({ question: 'pick', op: 'in', value: ['north'] });
    expect(withOp({ question: 'nps', op: 'lte', value: 4 }, 'answered', nps)).toEqual({ question: 'nps', op: 'answered' });
    expect(withOp({ question: 'nps', op: 'answered' }, 'gte', nps)).toEqual({ question: 'nps', op: 'gte', value: 6 });
  });

  it('a move that puts a condition before its question is a problem until undone', () => {
    const d = moveQuestion(survey([nps, why]), 1, -1);
    expect(branchProblem(d.questions, 0)).toBe('show_if_later_question');
    expect(branchProblem(moveQuestion(d, 0, 1).questions, 1)).toBeUndefined();
  });

  it('a score outside the scale or an option that is gone is incompatible', () => {
    expect(branchProblem([nps, setShowIf(why, { question: 'nps', op: 'lte', value: 11 })], 1)).toBe('show_if_incompatible');
    expect(branchProblem([pick, setShowIf(why, { question: 'pick', op: 'in', value: ['east'] })], 1)).toBe('show_if_incompatible');
    expect(branchProblem([pick, setShowIf(why, { question: 'pick', op: 'in', value: ['other'] })], 1)).toBeUndefined();
    expect(branchProblem([nps, setShowIf(why, { question: 'gone', op: 'answered' })], 1)).toBe('show_if_unknown_question');
  });
});

describe('scales', () => {
  it('labelled scales keep one label per point, also when drawn as faces', () => {
    const csat = blankQuestion('csat', 'c', { fa: 'رضایت' }) as Extract<Question, { type: 'csat' }>;
    expect(withScale(csat, { points: 7 }).labels).toBeUndefined();
    const labelled = withScale(csat, { style: 'labels' });
    expect(labelled.labels).toHaveLength(5);
    const seven = withScale({ ...labelled, labels: labelled.labels!.map((_, i) => ({ fa: String(i) })) }, { points: 7 });
    expect(seven.labels).toHaveLength(7);
    expect(seven.labels![4]).toEqual({ fa: '4' });
    expect(seven.labels![6]).toEqual({});
    const faces = withScale(seven, { style: 'faces', points: 3 });
    expect(faces.labels).toEqual([{ fa: '0' }, { fa: '1' }, { fa: '2' }]);
    const rating = withScale(blankQuestion('rating', 'r') as Extract<Question, { type: 'rating' }>, { style: 'labels', min: 0, max: 10 });
    expect(rating.labels).toHaveLength(11);
  });
});

describe('languages', () => {
  it('at least one stays, and the default is always one of them', () => {
    const s = survey([nps]).settings;
    expect(withLanguages(s, [])).toBe(s);
    expect(withLanguages(s, ['en', 'ar'])).toMatchObject({ languages: ['ar', 'en'], defaultLanguage: 'ar' });
    expect(withLanguages(s, ['fa', 'ar'])).toMatchObject({ languages: ['fa', 'ar'], defaultLanguage: 'fa' });
  });

  it('names each text still missing in a listed language; optional texts only once begun', () => {
    const d = survey([nps, { ...pick, description: { en: 'Where you bought it' } }], ['fa', 'ar', 'en']);
    const missing = missingTranslations(d);
    expect(missing.get('questions.0.title')).toEqual(['ar']);
    expect(missing.get('questions.1.description')).toEqual(['fa', 'ar']);
    expect(missing.get('questions.1.options.1.label')).toEqual(['ar']);
    expect(missing.has('settings.thankYou')).toBe(false);
    expect(missingCounts(d)).toEqual({ fa: 1, ar: 5, en: 0 });
  });

  it('a text emptied in one language counts as missing there', () => {
    const title = withText(nps.title, 'en', '');
    expect(title).toEqual({ fa: nps.title.fa });
    expect(missingTranslations(survey([{ ...nps, title }])).get('questions.0.title')).toEqual(['en']);
  });
});

describe('typed values', () => {
  it('whole numbers in Persian, Arabic-Indic or Latin digits, with separators', () => {
    expect(parseWhole('۱۲۰')).toBe(120);
    expect(parseWhole('١٬٢٠٠')).toBe(1200);
    expect(parseWhole('1,000')).toBe(1000);
    expect(parseWhole('12a')).toBeUndefined();
    expect(parseWhole('-3')).toBeUndefined();
    expect(parseWhole('')).toBeUndefined();
  });

  it('hidden field names as a link carries them', () => {
    expect(isHiddenFieldName('order_id')).toBe(true);
    expect(isHiddenFieldName('Order')).toBe(false);
    expect(isHiddenFieldName('1st')).toBe(false);
    expect(isHiddenFieldName('سفارش')).toBe(false);
  });

  it('a template written in three languages keeps only the survey’s', () => {
    const three: Question = { ...pick, title: { fa: 'کدام؟', ar: 'أي؟', en: 'Which?' }, options: pick.options.map((o) => ({ ...o, label: { ...o.label, ar: 'فرع' } })) };
    const fa = onlyLanguages(three, ['fa']) as typeof pick;
    expect(fa.title).toEqual({ fa: 'کدام؟' });
    expect(fa.options.map((o) => o.label)).toEqual([{ fa: 'شمال' }, { fa: 'جنوب' }]);
    expect(fa.id).toBe('pick');
    expect(fa.allowOther).toBe(true);
  });
});

describe('unsaved edits', () => {
  it('the same content in another key order is not an edit', () => {
    const d = survey([nps]);
    const reordered = JSON.parse(JSON.stringify({ questions: d.questions, settings: d.settings, kind: d.kind, name: d.name })) as Definition;
    expect(sameDefinition(d, reordered)).toBe(true);
    expect(sameDefinition(d, { ...d, name: 'other' })).toBe(false);
  });
});

describe('closing day', () => {
  it('a day picked in the Persian calendar closes at the end of that day in the workspace time zone', () => {
    // 29 Esfand 1404 is 20 March 2026; Tehran is UTC+3:30.
    const iso = closingInstant(new CalendarDate(new PersianCalendar(), 1404, 12, 29), 'Asia/Tehran');
    expect(iso).toBe('2026-03-20T20:30:00.000Z');
    expect(closingDay(iso, 'Asia/Tehran').toString()).toBe('2026-03-20');
  });
});
