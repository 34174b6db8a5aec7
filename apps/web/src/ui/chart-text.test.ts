import { describe, expect, it } from 'vitest';
import { dayAxisLabel, dayTitle, isEmptyChart, isolate, seriesFigures } from './chart-text.ts';

const fa = { language: 'fa', calendar: 'persian', digits: 'arabext', timeZone: 'Asia/Tehran' } as const;
const ar = { language: 'ar', calendar: 'islamic-umalqura', digits: 'arab', timeZone: 'Asia/Riyadh' } as const;
const en = { language: 'en', calendar: 'gregory', digits: 'latn', timeZone: 'Asia/Tehran' } as const;

describe('chart labels', () => {
  it("names a day by day and month in the reader's calendar and digits", () => {
    expect(dayAxisLabel('2025-03-21', fa)).toBe('۱ فروردین');
    expect(dayAxisLabel('2025-03-21', ar)).toContain('٢١');
    expect(dayAxisLabel('2025-03-21', ar)).toContain('رمضان');
    expect(dayAxisLabel('2025-03-21', en)).toBe('21 Mar');
    expect(dayTitle('2025-03-21', en)).toBe('21 Mar 2025');
  });

  it('reads an instant on its day in the workspace time zone', () => {
    // 21:00 UTC on 20 March is already 21 March (1 Farvardin) in Tehran.
    expect(dayAxisLabel('2025-03-20T21:00:00Z', fa)).toBe('۱ فروردین');
    expect(dayAxisLabel('2025-03-20T21:00:00Z', { ...en, timeZone: 'UTC' })).toBe('20 Mar');
  });

  it('isolates right-to-left labels only', () => {
    expect(isolate('۱ فروردین', true)).toBe('\u2067۱ فروردین\u2069');
    expect(isolate('21 Mar', false)).toBe('21 Mar');
  });
});

describe('chart figures', () => {
  it('totals a series and finds its first highest point, skipping gaps', () => {
    expect(seriesFigures([1, null, 4, 4, 0])).toEqual({ total: 9, max: 4, maxAt: 2 });
    expect(seriesFigures([null, null])).toEqual({ total: 0, max: 0, maxAt: -1 });
  });

  it('is empty with no points or nothing but zeros and gaps', () => {
    expect(isEmptyChart(0, [])).toBe(true);
    expect(isEmptyChart(3, [{ values: [0, null, 0] }, { values: [0, 0, 0] }])).toBe(true);
    expect(isEmptyChart(3, [{ values: [0, 1, 0] }])).toBe(false);
  });
});
