import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBoolean, readCalendar, readDay, readInstant, readMinorUnits } from './cell-values.ts';
import { aliasTable, resolveColumns } from './column-mapping.ts';
import { copyTextArray, copyValue } from './copy-text.ts';
import { CsvFileError, openCsv, sniffCsv } from './csv-reader.ts';
import { csvStream, formatCsvLine, neutraliseFormula, stripFormulaGuard } from './csv-writer.ts';

async function readAll(chunks: (string | Buffer)[]) {
  const csv = await openCsv(Readable.from(chunks));
  const records: string[][] = [];
  for (let run = await csv.nextRecords(); run !== null; run = await csv.nextRecords()) records.push(...run);
  return { header: csv.header, delimiter: csv.delimiter, records, bytes: csv.bytesRead() };
}

describe('reading CSV', () => {
  it('streams records across chunk boundaries, with a BOM, quotes, blank lines and CRLF', async () => {
    const text = '\uFEFFنام,تلفن\r\n"رضایی, علی","۰۹۱۲\n۱۲۳"\r\n\r\nسارا,0912\r\n';
    const bytes = Buffer.from(text);
    const { header, records, bytes: read } = await readAll([bytes.subarray(0, 7), bytes.subarray(7, 30), bytes.subarray(30)]);
    expect(header).toEqual(['نام', 'تلفن']);
    expect(records).toEqual([['رضایی, علی', '۰۹۱۲\n۱۲۳'], ['سارا', '0912']]);
    expect(read).toBe(bytes.length);
  });

  it('guesses the delimiter Excel used from the header', async () => {
    expect((await readAll(['name;phone;tags\nAli;0912;a,b\n'])).records).toEqual([['Ali', '0912', 'a,b']]);
    expect((await readAll(['name\tphone\nAli\t0912\n'])).delimiter).toBe('\t');
    expect(sniffCsv(Buffer.from('"a;b",c\n'), true).delimiter).toBe(',');
  });

  it('refuses binary, non-UTF-8 and empty input, and broken quoting', async () => {
    expect(() => sniffCsv(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00]), true)).toThrow(CsvFileError);
    expect(() => sniffCsv(Buffer.from([0x61, 0x0a, 0xe1, 0xed]), true)).toThrow(/UTF-8/);
    expect(() => sniffCsv(Buffer.from('\uFEFF \r\n'), true)).toThrow(/empty/);
    // A multi-byte character cut at the end of the sniffed head is not an encoding error.
    expect(sniffCsv(Buffer.from('نام').subarray(0, 5), false).delimiter).toBe(',');
    await expect(readAll(['a,b\n"unclosed,1\n'])).rejects.toThrow(CsvFileError);
  });
});

describe('writing CSV', () => {
  it('starts with a BOM, quotes what needs it, and defuses formulas but not phones', async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of csvStream(['name', 'phone', 'n'], [['=HYPERLINK("x")', '+989121234567', 5], ['علی, رضا', null, true]])) chunks.push(Buffer.from(chunk));
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text).toBe('\uFEFFname,phone,n\n"\'=HYPERLINK(""x"")",+989121234567,5\n"علی, رضا",,true\n');
    expect(stripFormulaGuard(neutraliseFormula('@SUM(A1)'))).toBe('@SUM(A1)');
    expect(neutraliseFormula('-12')).toBe('-12');
    expect(stripFormulaGuard("'quoted name")).toBe("'quoted name");
    expect(formatCsvLine(['a', 'b,c', 'say "hi"'], ',')).toBe('a,"b,c","say ""hi"""');
  });

  it('escapes COPY text format', () => {
    expect(copyValue(null)).toBe('\\N');
    expect(copyValue('a\tb\\c\nd')).toBe('a\\tb\\\\c\\nd');
    expect(copyTextArray(['vip', 'a "b"', 'c\\d'])).toBe('{"vip","a \\\\"b\\\\"","c\\\\\\\\d"}');
  });
});

describe('reading cell values', () => {
  it('reads days year first, in the calendar the file or the year says', () => {
    expect(readDay('۱۳۷۰/۰۵/۱۲', undefined, 'persian')).toEqual({ calendar: 'persian', iso: '1991-08-03' });
    expect(readDay('1990-08-03', undefined, 'persian')).toEqual({ calendar: 'gregory', iso: '1990-08-03' });
    expect(readDay('1403/12/30', undefined, 'persian')?.iso).toBe('2025-03-20');
    expect(readDay('1404/12/30', undefined, 'persian')).toBeUndefined();
    expect(readDay('1410-03-05', 'islamic-umalqura', 'gregory')?.calendar).toBe('islamic-umalqura');
    expect(readDay('1370/05/12', undefined, 'gregory')?.calendar).toBe('persian');
    expect(readDay('1990-08-03 00:00:00', undefined, 'persian')?.iso).toBe('1990-08-03');
    expect(readDay('03/08/1990', undefined, 'persian')).toBeUndefined();
    expect(readCalendar('شمسی')).toBe('persian');
    expect(readCalendar('هجري')).toBe('islamic-umalqura');
  });

  it('reads instants with an offset, or as wall time in the workspace zone', () => {
    expect(readInstant('1403/01/15 10:30', undefined, 'persian', 'Asia/Tehran')?.toISOString()).toBe('2024-04-03T07:00:00.000Z');
    expect(readInstant('2024-04-03T10:30:00+03:30', undefined, 'persian', 'UTC')?.toISOString()).toBe('2024-04-03T07:00:00.000Z');
    expect(readInstant('2024-01-15', undefined, 'gregory', 'Asia/Riyadh')?.toISOString()).toBe('2024-01-14T21:00:00.000Z');
    expect(readInstant('2024-01-15 25:00', undefined, 'gregory', 'UTC')).toBeUndefined();
    expect(readInstant('yesterday', undefined, 'gregory', 'UTC')).toBeUndefined();
  });

  it('reads yes/no and amounts as people type them', () => {
    expect([readBoolean('بله'), readBoolean('نعم'), readBoolean('TRUE'), readBoolean('لا'), readBoolean('خیر'), readBoolean('maybe')]).toEqual([true, true, true, false, false, undefined]);
    expect(readMinorUnits('۱۲۵۰۰۰۰')).toBe(1250000);
    expect(readMinorUnits('1,250,000')).toBe(1250000);
    expect(readMinorUnits('١٬٢٥٠')).toBe(1250);
    expect(readMinorUnits('12.5')).toBeUndefined();
    expect(readMinorUnits('-5')).toBeUndefined();
    expect(readMinorUnits('99999999999999999')).toBeUndefined();
  });
});

describe('mapping columns', () => {
  const aliases = aliasTable({ phone: ['mobile', 'شماره موبایل', 'الجوال'], name: ['نام'] });

  it('matches headers whatever their spelling, and lets a mapping win', () => {
    const resolved = resolveColumns(['Phone Number', 'شماره‌موبايل', 'NAME', 'Notes'], { phone_number: 'ignore' }, aliases, { requiredAny: ['phone'] });
    expect(resolved.effective).toEqual({ 'Phone Number': 'ignore', 'شماره‌موبايل': 'phone', NAME: 'name', Notes: 'ignore' });
    expect(resolved.columns.get('phone')).toBe(1);
  });

  it('refuses a mapping the file does not fit', () => {
    expect(() => resolveColumns(['a'], { b: 'phone' }, aliases, { requiredAny: ['phone'] })).toThrow(/invalid_csv/);
    expect(() => resolveColumns(['a', 'b'], { a: 'phone', b: 'phone' }, aliases, { requiredAny: ['phone'] })).toThrow(/invalid_csv/);
    expect(() => resolveColumns(['notes'], {}, aliases, { requiredAny: ['phone', 'name'] })).toThrow(/invalid_csv/);
  });
});
