import { eventCause } from '@vafa/contracts';
import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../../i18n/index.ts';
import { entryNote } from './entry-cause.tsx';

describe('entryNote', () => {
  it('drops the topic code the server appends to an event entry\'s note, leaving the program', () => {
    expect(entryNote({ source: 'system:event:response.submitted', reason: 'باشگاه خانه‌نو · response.submitted' })).toBe('باشگاه خانه‌نو');
    expect(entryNote({ source: 'system:event:customer.birthday', reason: 'Club · customer.birthday' })).toBe('Club');
  });
  it('keeps a custom action\'s name and every note staff wrote', () => {
    expect(entryNote({ source: 'system:event:action.visit', reason: 'Club · بازدید از نمایشگاه' })).toBe('Club · بازدید از نمایشگاه');
    expect(entryNote({ source: 'user:42', reason: 'هدیهٔ جبران · response.submitted' })).toBe('هدیهٔ جبران · response.submitted');
    expect(entryNote({ source: 'system:event:review', reason: null })).toBeNull();
  });
});

describe('eventCause (the portal\'s and the staff history\'s one table)', () => {
  it('names the events with causes of their own, calls any other event a program event, and ignores other sources', () => {
    expect(eventCause('system:event:response.submitted')).toBe('survey');
    expect(eventCause('system:event:review')).toBe('review');
    expect(eventCause('system:event:action.visit')).toBe('program_event');
    expect(eventCause('system:event:constructor')).toBe('program_event');
    expect(eventCause('user:42')).toBeUndefined();
  });
  it('has words in every language for every cause it gives', () => {
    for (const source of ['response.submitted', 'complaint.goodwill', 'referral.qualified', 'customer.birthday', 'review', 'other']) {
      const cause = eventCause(`system:event:${source}`)!;
      for (const lang of ['fa', 'ar', 'en'] as const) expect(MESSAGES[lang][`memberPortal.cause.${cause}`]).toBeTruthy();
    }
  });
});
