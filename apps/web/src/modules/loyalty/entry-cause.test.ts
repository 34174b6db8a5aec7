import { describe, expect, it } from 'vitest';
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
