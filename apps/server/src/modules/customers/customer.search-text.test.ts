import { describe, expect, it } from 'vitest';
import { buildSearchText, containsPattern, parseCustomerSearch, type SearchableCustomer } from './customer.search-text.ts';

interface Stored { phone: string | null; searchText: string }

function stored(customer: SearchableCustomer, country = 'IR'): Stored {
  return { phone: customer.phone, searchText: buildSearchText(customer, country) };
}

/** What the SQL does: a whole phone number is looked up by phone, anything else by every needle occurring in search_text. */
function finds(customer: Stored, query: string, country = 'IR'): boolean {
  const search = parseCustomerSearch(query, country);
  if (search.phone !== undefined) return customer.phone === search.phone;
  return search.needles.length > 0 && search.needles.every((needle) => customer.searchText.includes(needle));
}

describe('buildSearchText', () => {
  it('holds the folded name, the e-mail, the E.164 digits and the national digits', () => {
    const text = buildSearchText({ name: 'علی کریمی', email: 'Ali.Karimi@Example.com', phone: '+989123456789' }, 'IR');
    expect(text).toBe('علیکریمی ali.karimi@example.com 989123456789 09123456789');
  });

  it('reads a foreign number in its own country and skips what is missing', () => {
    expect(buildSearchText({ name: null, email: null, phone: '+966501234567' }, 'IR')).toBe('966501234567 0501234567');
    expect(buildSearchText({ name: null, email: null, phone: null }, 'IR')).toBe('');
    expect(buildSearchText({ name: 'Sara', email: null, phone: null }, 'AE')).toBe('sara');
  });
});

describe('parseCustomerSearch', () => {
  const ali = stored({ name: 'علی کریمی', email: 'ali.karimi@example.com', phone: '+989123456789' });

  it('meets Persian and Arabic spellings of a name, in any word order', () => {
    expect(finds(ali, 'علي كريمي')).toBe(true);
    expect(finds(ali, 'کریمی')).toBe(true);
    expect(finds(ali, 'كريمي علي')).toBe(true);
    expect(finds(ali, 'رضا')).toBe(false);
  });

  it('meets the phone in any digits, national or international', () => {
    for (const query of ['۰۹۱۲۳۴۵۶۷۸۹', '٠٩١٢٣٤٥٦٧٨٩', '+98 912 345 6789', '9123456789', '0098 912 345 6789', '0912-345', '۹۱۲۳۴']) {
      expect(finds(ali, query), query).toBe(true);
    }
    expect(finds(ali, '0913')).toBe(false);
  });

  it('meets ZWNJ, space and joined spellings', () => {
    const withZwnj = stored({ name: 'محمد\u200Cرضا', email: null, phone: null });
    const withSpace = stored({ name: 'محمد رضا', email: null, phone: null });
    for (const customer of [withZwnj, withSpace]) {
      expect(finds(customer, 'محمد رضا')).toBe(true);
      expect(finds(customer, 'محمد\u200Cرضا')).toBe(true);
      expect(finds(customer, 'محمدرضا')).toBe(true);
    }
  });

  it('finds an Arabic-spelled customer with Persian letters and digits', () => {
    const fatima = stored({ name: 'فاطمة الكعبي', email: null, phone: '+971501234567' }, 'AE');
    expect(finds(fatima, 'فاطمه الکعبی', 'AE')).toBe(true);
    expect(finds(fatima, '۰۵۰۱۲۳۴۵۶۷', 'AE')).toBe(true);
    expect(finds(fatima, '٠٥٠١٢٣', 'AE')).toBe(true);
  });

  it('returns nothing to search for an empty query', () => {
    expect(parseCustomerSearch('  \u200C ', 'IR')).toEqual({ needles: [] });
  });

  it('reads a whole number as a phone and a partial one as digits', () => {
    expect(parseCustomerSearch('۰۹۱۲ ۳۴۵ ۶۷۸۹', 'IR')).toEqual({ phone: '+989123456789', needles: [] });
    expect(parseCustomerSearch('0912-345', 'IR')).toEqual({ needles: ['0912345'] });
    expect(parseCustomerSearch('+98 912', 'IR')).toEqual({ needles: ['98912'] });
  });
});

describe('containsPattern', () => {
  it('takes LIKE wildcards literally', () => {
    expect(containsPattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });
});
