import { describe, expect, it } from 'vitest';
import { termsOf, themesOf, tokenize } from './themes.terms.ts';

describe('open-text themes', () => {
  it('folds Arabic and Persian letter forms, digits and diacritics into one word', () => {
    const keys = (s: string) => tokenize(s).map((t) => t.key);
    expect(keys('كيفيت')).toEqual(keys('کیفیت'));
    expect(keys('قیمتِ')).toEqual(keys('قیمت'));
    expect(keys('۲۴ ساعت')).toEqual(keys('24 ساعت'));
    expect(keys('Delivery')).toEqual(keys('delivery'));
  });

  it('joins ZWNJ, a spaced Persian verb prefix and a spaced plural suffix', () => {
    const key = (s: string) => tokenize(s).map((t) => t.key).join(' ');
    expect(key('می‌خواهم')).toBe(key('می خواهم'));
    expect(key('میخواهم')).toBe(key('می خواهم'));
    expect(key('کتاب‌ها')).toBe(key('کتاب ها'));
  });

  it('drops stop words and never builds a phrase across one', () => {
    const terms = [...termsOf('the delivery was very slow').keys()];
    expect(terms).toContain('delivery');
    expect(terms).toContain('slow');
    expect(terms).not.toContain('the');
    expect(terms).not.toContain('deliveryslow');
    expect([...termsOf('ارسال خیلی کند بود').keys()]).toEqual(expect.arrayContaining(['ارسال', 'کند']));
    expect([...termsOf('ارسال خیلی کند بود').keys()]).not.toContain('ارسالکند');
  });

  it('counts a term once per answer, keeps examples and the common spelling, and leaves a word wholly inside a phrase to the phrase', () => {
    const themes = themesOf([
      { responseId: 'r1', text: 'پشتیبانی تلفنی ضعیف بود، پشتیبانی تلفنی!' },
      { responseId: 'r2', text: 'پشتيباني تلفني ضعيف' },
      { responseId: 'r6', text: 'پشتیبانی تلفنی ضعیف است' },
      { responseId: 'r3', text: 'قیمت بالا' },
      { responseId: 'r4', text: 'قیمت مناسب' },
      { responseId: 'r5', text: 'slow delivery' },
    ]);
    const phrase = themes.find((t) => t.words === 3);
    expect(phrase).toMatchObject({ term: 'پشتیبانی تلفنی ضعیف', count: 3, examples: ['r1', 'r2', 'r6'] });
    // «پشتیبانی» appears only inside that phrase: no separate row
    expect(themes.find((t) => t.term === 'پشتیبانی')).toBeUndefined();
    expect(themes.find((t) => t.term === 'قیمت')).toMatchObject({ count: 2, words: 1, examples: ['r3', 'r4'] });
    // once is not a theme
    expect(themes.find((t) => t.term === 'slow')).toBeUndefined();
    expect(themes[0]!.count).toBeGreaterThanOrEqual(themes[themes.length - 1]!.count);
  });

  it('gives a sentence repeated in two answers one theme, not every window of it', () => {
    const sentence = 'پشتیبانی تلفنی جواب نداد، سه بار زنگ زدم';
    const themes = themesOf([
      { responseId: 'r1', text: sentence },
      { responseId: 'r2', text: sentence },
      { responseId: 'r3', text: 'پشتیبانی خوب' },
    ]);
    // two runs (the comma does not split; «سه» is no stop word): one theme per run at most
    expect(themes.filter((t) => t.count === 2).map((t) => t.term)).toEqual(['پشتیبانی تلفنی جواب']);
    expect(themes.find((t) => t.term === 'پشتیبانی')).toMatchObject({ count: 3 });
  });
});
