import { describe, expect, it } from 'vitest';
import { parseCustomersSearch } from './customers-list.ts';

describe('the customers list address', () => {
  it('keeps the filters it knows, trimmed', () => {
    expect(parseCustomersSearch({ q: ' رضا ', tag: 'vip', segment: 'a1b2', consent: 'sms', language: 'ar' }))
      .toEqual({ q: 'رضا', tag: 'vip', segment: 'a1b2', consent: 'sms', language: 'ar' });
  });

  it('drops unknown keys, unknown choices and empty values, so an old or mistyped link still opens', () => {
    expect(parseCustomersSearch({ q: '  ', consent: 'pigeon', language: 'de', tag: 42, page: '3' })).toEqual({});
  });
});
