import { describe, expect, it } from 'vitest';
import { bucketLabel, formatMargin, formatMetric, localText } from './results-format.ts';

const fa = { language: 'fa', calendar: 'persian', digits: 'arabext' } as const;
const en = { language: 'en', calendar: 'gregory', digits: 'latn' } as const;
const bare = (s: string) => s.replace(/[\u2066-\u2069]/g, '');

describe('results formatting', () => {
  it('writes NPS as a whole signed number kept left to right, in the reader\'s digits', () => {
    expect(bare(formatMetric(29.6, 'nps', en))).toBe('+30');
    expect(bare(formatMetric(-12.4, 'nps', en))).toBe('-12');
    expect(bare(formatMetric(0, 'nps', en))).toBe('0');
    expect(formatMetric(30, 'nps', fa)).toMatch(/^\u2066.*۳۰\u2069$/);
    expect(formatMargin(10.74, fa)).toBe('۱۰٫۷');
  });

  it('writes CSAT as a percent and means with one decimal', () => {
    expect(formatMetric(66.6, 'csat', en)).toBe('67%');
    expect(formatMetric(4.25, 'ces', en)).toBe('4.3');
  });

  it('names a month bucket in the workspace calendar, whatever the reader\'s', () => {
    // 2026-03-21 is 1 Farvardin 1405
    expect(bucketLabel('2026-03-21', 'month', 'persian', fa, true)).toContain('فروردین');
    expect(bucketLabel('2026-03-21', 'month', 'persian', en, true)).toMatch(/Farvardin/);
    expect(bucketLabel('2026-03-01', 'month', 'gregory', en, true)).toBe('March 2026');
  });

  it('picks the reader\'s language of a text, else the first the survey has', () => {
    expect(localText({ fa: 'سلام', en: 'Hello' }, 'en')).toBe('Hello');
    expect(localText({ fa: 'سلام' }, 'ar')).toBe('سلام');
  });
});
