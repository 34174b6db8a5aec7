import { describe, expect, it } from 'vitest';
import { readCsvHead } from './csv.ts';

describe('readCsvHead', () => {
  it('reads the header and the first row, with quotes, a BOM and CRLF', () => {
    expect(readCsvHead('\uFEFFname,"phone, mobile",email\r\n"Ali ""A""",0912,a@b.c\r\nnext,row,here')).toEqual({
      headers: ['name', 'phone, mobile', 'email'],
      sample: ['Ali "A"', '0912', 'a@b.c'],
    });
  });
  it('copes with a header-only file and Persian headers', () => {
    expect(readCsvHead('نام,تلفن')).toEqual({ headers: ['نام', 'تلفن'], sample: [] });
  });
  it('reads semicolon and tab separated files and keeps the sample beside its header when a header is empty', () => {
    expect(readCsvHead('First Name;Last Name;Tags\nSara;Ahmadi;"VIP, tehran"\n')).toEqual({ headers: ['First Name', 'Last Name', 'Tags'], sample: ['Sara', 'Ahmadi', 'VIP, tehran'] });
    expect(readCsvHead('a\t\tc\n1\t2\t3')).toEqual({ headers: ['a', 'c'], sample: ['1', '3'] });
  });
});
