import { describe, expect, test } from 'vitest';
import { COMPLAINT_ATTACHMENT_MAX_BYTES, COMPLAINT_ATTACHMENT_MAX_FILES, ComplaintState, ROOT_CAUSE_DIMENSIONS } from '@vafa/contracts';
import { ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_FILES, DEFAULT_ROOT_CAUSES, STATES } from './api.ts';
import { formatBusinessMinutes, queueSearch, formatTrackingCode, remainingNow, typedTrackingCode } from './complaint-format.ts';

describe('tracking codes', () => {
  test('shown in groups of four in the reader\'s digits', () => {
    expect(formatTrackingCode('1234567890123452', 'latn')).toBe('1234 5678 9012 3452');
    expect(formatTrackingCode('482791530614', 'arabext')).toBe('۴۸۲۷ ۹۱۵۳ ۰۶۱۴');
    expect(formatTrackingCode('1234567890123452', 'arabext')).toBe('۱۲۳۴ ۵۶۷۸ ۹۰۱۲ ۳۴۵۲');
    expect(formatTrackingCode('1234567890123452', 'arab')).toBe('١٢٣٤\u200E \u200E٥٦٧٨\u200E \u200E٩٠١٢\u200E \u200E٣٤٥٢');
  });

  test('typed in Persian, Arabic or full-width digits with separators', () => {
    expect(typedTrackingCode('۱۲۳۴-۵۶۷۸ ۹۰۱۲ ۳۴۵۲')).toEqual({ digits: '1234567890123452', complete: true });
    expect(typedTrackingCode('١٢٣٤ ٥٦٧٨')).toEqual({ digits: '12345678', complete: false });
    expect(typedTrackingCode('۴۸۲۷-۹۱۵۳-۰۶۱۴')).toEqual({ digits: '482791530614', complete: true });
    expect(typedTrackingCode('#１２３４')).toEqual({ digits: '1234', complete: false });
    expect(typedTrackingCode('۴۸۲۷-۹۱۵۳-۰۶۴۰')).toEqual({ digits: '482791530640', complete: true });
    expect(typedTrackingCode('4827 9153 064')).toEqual({ digits: '48279153064', complete: false });
    expect(formatTrackingCode('482791530640', 'arabext')).toBe('۴۸۲۷ ۹۱۵۳ ۰۶۴۰');
  });

  test('a search matches part of a code whatever the digits', () => {
    // The queue's search goes to the server once it can use an index: 4 digits of a code in any script, or a 3-letter word.
    expect(queueSearch('۵۶۷۸')).toBe('۵۶۷۸');
    expect(queueSearch('12 3')).toBeUndefined();
    expect(queueSearch('١٢٣٤-')).toBe('١٢٣٤-');
    expect(queueSearch('  ')).toBeUndefined();
    expect(queueSearch('رضا')).toBe('رضا');
    expect(queueSearch('ab 1')).toBeUndefined();
    expect(queueSearch('sara@')).toBe('sara@');
  });
});

describe('SLA countdown', () => {
  const at = '2026-01-01T08:00:00.000Z';
  test('a ticking clock loses a minute a minute', () => {
    expect(remainingNow(30, at, true, Date.parse(at) + 10 * 60_000)).toBe(20);
    expect(remainingNow(5, at, true, Date.parse(at) + 10 * 60_000)).toBe(-5);
  });
  test('a clock outside business hours or paused stands still', () => {
    expect(remainingNow(30, at, false, Date.parse(at) + 10 * 60_000)).toBe(30);
  });
  test('lengths in days, hours and minutes in the reader\'s digits', () => {
    const en = { language: 'en', calendar: 'gregory', digits: 'latn' } as const;
    expect(formatBusinessMinutes(45, en)).toBe('45m');
    expect(formatBusinessMinutes(125, en)).toBe('2h 5m');
    expect(formatBusinessMinutes(60 * 24 * 3 + 120, en)).toBe('3d 2h');
    expect(formatBusinessMinutes(-45.5, en)).toBe('45m');
    expect(formatBusinessMinutes(125, { language: 'fa', calendar: 'persian', digits: 'arabext' })).toBe('۲ ساعت ۵ دقیقه');
  });
});

describe('what the screens mirror from the contracts', () => {
  test('attachment limits, root-cause defaults and states', () => {
    expect(ATTACHMENT_MAX_BYTES).toBe(COMPLAINT_ATTACHMENT_MAX_BYTES);
    expect(ATTACHMENT_MAX_FILES).toBe(COMPLAINT_ATTACHMENT_MAX_FILES);
    expect([...DEFAULT_ROOT_CAUSES].sort()).toEqual(Object.keys(ROOT_CAUSE_DIMENSIONS).sort());
    expect([...STATES].sort()).toEqual([...ComplaintState.options].sort());
  });
});
