import { describe, expect, it } from 'vitest';
import { createIssues, updateIssues } from './customer-validation.ts';

const nextYear = new Date().getUTCFullYear() + 1;

describe('customer form checks (the server schemas)', () => {
  it('an empty form: a name or a way to reach them is needed', () => {
    expect(createIssues({ tags: [], consent: {}, attributes: {} })).toEqual({ name: 'name_or_contact_required' });
  });

  it('every problem at once: no name or contact, a future birthday, a bad e-mail', () => {
    expect(createIssues({ email: 'nope', birthday: { calendar: 'gregory', year: nextYear, month: 1, day: 1 } })).toEqual({
      email: 'invalid_format',
      birthday: 'birthday_in_future',
    });
    expect(createIssues({ birthday: { calendar: 'persian', year: 1500, month: 1, day: 1 } })).toEqual({
      name: 'name_or_contact_required',
      birthday: 'birthday_in_future',
    });
  });

  it('today is not the future, in any calendar', () => {
    const now = new Date();
    const [y, m, d] = [now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate()];
    expect(createIssues({ name: 'x', birthday: { calendar: 'gregory', year: y, month: m, day: d } })).toEqual({});
  });

  it('is satisfied once fixed', () => {
    expect(createIssues({ phone: '۰۹۱۲ ۳۴۵ ۶۷۸۹', birthday: { calendar: 'persian', year: 1370, month: 1, day: 1 } })).toEqual({});
  });

  it('a change may not take away the last name or contact', () => {
    expect(updateIssues({ name: null, phone: null, email: null })).toEqual({ name: 'name_or_contact_required' });
    expect(updateIssues({ name: null, phone: null, email: 'a@example.com' })).toEqual({});
  });
});
