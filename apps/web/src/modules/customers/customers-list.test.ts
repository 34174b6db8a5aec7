import { createMemoryHistory, createRouter } from '@tanstack/react-router';
import { describe, expect, it } from 'vitest';
import { routeTree } from '../../app/route-tree.ts';
import { parseCustomersSearch } from './customers-list.ts';

describe('the customers list address', () => {
  it('keeps the filters it knows, trimmed', () => {
    expect(parseCustomersSearch({ q: ' رضا ', tag: 'vip', segment: 'a1b2', consent: 'sms', language: 'ar' }))
      .toEqual({ q: 'رضا', tag: 'vip', segment: 'a1b2', consent: 'sms', language: 'ar' });
  });

  it('drops unknown keys, unknown choices and empty values, so an old or mistyped link still opens', () => {
    expect(parseCustomersSearch({ q: '  ', consent: 'pigeon', language: 'de', tag: 42, page: '3' })).toEqual({});
  });

  it('keeps a sort the server knows, and drops one it does not', () => {
    expect(parseCustomersSearch({ sort: '-totalSpent', tag: 'vip' })).toEqual({ sort: '-totalSpent', tag: 'vip' });
    expect(parseCustomersSearch({ sort: 'phone' })).toEqual({});
  });
});

describe('the customers route', () => {
  it('hands the page only understood filters, whatever the raw address holds', () => {
    const router = createRouter({
      routeTree,
      history: createMemoryHistory({ initialEntries: ['/customers?tag=vip&consent=pigeon&language=de'] }),
      context: { queryClient: undefined as never },
      parseSearch: (text) => Object.fromEntries(new URLSearchParams(text)),
    });
    const match = router.matchRoutes(router.state.location).find((m) => m.routeId === '/customers');
    expect(match?.search).toEqual({ tag: 'vip' });
  });
});
