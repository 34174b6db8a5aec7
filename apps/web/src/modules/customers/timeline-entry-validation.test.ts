import { CalendarDate, PersianCalendar } from '@internationalized/date';
import { describe, expect, it } from 'vitest';
import { dayAndTimeOf, instantOf, interactionIssues, interactionPatchIssues, noteIssues } from './timeline-entry-validation.ts';

describe('note and interaction checks (the server schemas, in the browser)', () => {
  it('names every problem of a note by its stable code', () => {
    expect(noteIssues('  ')).toEqual({ text: 'too_small' });
    expect(noteIssues('زنگ\u0007')).toEqual({ text: 'invalid_format' });
    expect(noteIssues('ا'.repeat(4001))).toEqual({ text: 'too_big' });
    expect(noteIssues('خط اول\nخط دوم')).toEqual({});
  });

  it('names every problem of a logged interaction at once, a time ahead as in the future', () => {
    const ahead = new Date(Date.now() + 3 * 3600_000).toISOString();
    expect(interactionIssues({ kind: 'fax', channel: 'pigeon', stage: 'sale', occurredAt: ahead, text: '' })).toEqual({
      kind: 'invalid_value', channel: 'invalid_value', occurredAt: 'happened_in_future', text: 'too_small',
    });
    expect(interactionIssues({ kind: 'call', channel: 'phone', stage: 'sale', occurredAt: new Date().toISOString() })).toEqual({});
    expect(interactionPatchIssues({})).toEqual({ '': 'nothing_to_change' });
  });

  it('turns a Solar Hijri day and a time typed in Persian digits into the instant in the workspace zone, and back', () => {
    // 1 Farvardin 1404 is 21 March 2025; Tehran is UTC+3:30.
    const day = new CalendarDate(new PersianCalendar(), 1404, 1, 1);
    expect(instantOf(day, '۰۹:۱۵', 'Asia/Tehran')).toBe('2025-03-21T05:45:00.000Z');
    expect(instantOf(day, '24:00', 'Asia/Tehran')).toBeNull();
    expect(instantOf(day, '', 'Asia/Tehran')).toBeNull();
    const back = dayAndTimeOf('2025-03-21T05:45:00.000Z', 'Asia/Tehran');
    expect(back.time).toBe('09:15');
    expect(back.day.toString()).toBe('2025-03-21');
  });
});
