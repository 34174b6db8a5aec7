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
});
