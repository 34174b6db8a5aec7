import { describe, expect, it } from 'vitest';
import { addBusinessMinutes, type BusinessCalendar } from '../../platform/time/business-hours.ts';
import { IRAN_HOLIDAYS, SAUDI_HOLIDAYS, UAE_HOLIDAYS, holidayDates, holidayOccurrences } from './holiday-calendars.ts';

const datesOf = (rules: Parameters<typeof holidayOccurrences>[0], id: string, from: number, to = from) =>
  holidayOccurrences(rules, { from, to }).filter((o) => o.holiday === id).map((o) => o.dates);

describe('Solar Hijri holidays of Iran (exact)', () => {
  it('puts Nowruz on the published first of Farvardin: 1403 on 20 March 2024, 1404 and 1405 on 21 March', () => {
    expect(datesOf(IRAN_HOLIDAYS, 'nowruz', 2024)).toEqual([['2024-03-20', '2024-03-21', '2024-03-22', '2024-03-23']]);
    expect(datesOf(IRAN_HOLIDAYS, 'nowruz', 2025)).toEqual([['2025-03-21', '2025-03-22', '2025-03-23', '2025-03-24']]);
    expect(datesOf(IRAN_HOLIDAYS, 'nowruz', 2026)).toEqual([['2026-03-21', '2026-03-22', '2026-03-23', '2026-03-24']]);
  });

  it('gives every fixed Solar Hijri holiday of 2026, none of them marked as an estimate', () => {
    const fixed = holidayOccurrences(IRAN_HOLIDAYS, { from: 2026, to: 2026 }).filter((o) => !o.estimated);
    expect(fixed.map((o) => [o.holiday, o.year, o.dates])).toEqual([
      ['revolution-day', 1404, ['2026-02-11']], // 22 Bahman 1404
      ['oil-nationalization-day', 1404, ['2026-03-20']], // 29 Esfand 1404 (1404 is not leap: Esfand has 29 days)
      ['nowruz', 1405, ['2026-03-21', '2026-03-22', '2026-03-23', '2026-03-24']], // 1–4 Farvardin
      ['islamic-republic-day', 1405, ['2026-04-01']], // 12 Farvardin = 21 March + 11 days
      ['nature-day', 1405, ['2026-04-02']], // 13 Farvardin
      ['khomeini-death', 1405, ['2026-06-04']], // 14 Khordad = 21 March + 31 + 31 + 13 days
      ['khordad-15-uprising', 1405, ['2026-06-05']], // 15 Khordad
    ]);
  });

  it('keeps 29 Esfand in a leap year (1403 has a 30 Esfand on 20 March 2025)', () => {
    expect(datesOf(IRAN_HOLIDAYS, 'oil-nationalization-day', 2025)).toEqual([['2025-03-19']]);
  });
});

describe('Hijri holidays (Umm al-Qura estimates)', () => {
  it('takes the Umm al-Qura table and says it is an estimate (1 Shawwal 1446 = 30 March 2025, 10 Dhu al-Hijjah 1446 = 6 June 2025)', () => {
    const iran2025 = holidayOccurrences(IRAN_HOLIDAYS, { from: 2025, to: 2025 });
    const fitr = iran2025.find((o) => o.holiday === 'eid-al-fitr')!;
    expect(fitr).toMatchObject({ year: 1446, dates: ['2025-03-30', '2025-03-31'], estimated: true });
    expect(iran2025.find((o) => o.holiday === 'eid-al-adha')).toMatchObject({ year: 1446, dates: ['2025-06-06'], estimated: true });
    // Tasua and Ashura 1447: 9 and 10 Muharram
    expect(iran2025.find((o) => o.holiday === 'tasua-ashura')).toMatchObject({ year: 1447, dates: ['2025-07-04', '2025-07-05'] });
  });

  it("puts Imam Reza's martyrdom on the last day of Safar, 29 or 30", () => {
    // Safar 1447 has 29 days in the table (28 Safar = 22 Aug 2025), Safar 1448 has 30 (28 Safar = 11 Aug 2026).
    expect(datesOf(IRAN_HOLIDAYS, 'prophet-death', 2025)).toEqual([['2025-08-22']]);
    expect(datesOf(IRAN_HOLIDAYS, 'imam-reza-martyrdom', 2025)).toEqual([['2025-08-23']]);
    expect(datesOf(IRAN_HOLIDAYS, 'prophet-death', 2026)).toEqual([['2026-08-11']]);
    expect(datesOf(IRAN_HOLIDAYS, 'imam-reza-martyrdom', 2026)).toEqual([['2026-08-13']]);
  });

  it("starts Saudi Eid al-Fitr the day after 29 Ramadan, for four days, and Eid al-Adha on the Day of Arafah", () => {
    // 1446: Ramadan has 29 days, so the day after 29 Ramadan (29 March) is 1 Shawwal: 30 March – 2 April,
    // as the ministry announced for 2025. 1447: Ramadan has 30 days, so the holiday starts on 30 Ramadan.
    expect(datesOf(SAUDI_HOLIDAYS, 'eid-al-fitr', 2025)).toEqual([['2025-03-30', '2025-03-31', '2025-04-01', '2025-04-02']]);
    expect(datesOf(SAUDI_HOLIDAYS, 'eid-al-adha', 2025)).toEqual([['2025-06-05', '2025-06-06', '2025-06-07', '2025-06-08']]);
    expect(holidayDates(SAUDI_HOLIDAYS, { from: 2026, to: 2026 })).toEqual([
      '2026-02-22', // Founding Day
      '2026-03-19', '2026-03-20', '2026-03-21', '2026-03-22', // 30 Ramadan 1447 + 3 days
      '2026-05-26', '2026-05-27', '2026-05-28', '2026-05-29', // 9–12 Dhu al-Hijjah 1447
      '2026-09-23', // National Day
    ]);
  });

  it('runs the UAE Eid al-Fitr from 29 Ramadan to 3 Shawwal, so its length follows Ramadan', () => {
    expect(datesOf(UAE_HOLIDAYS, 'eid-al-fitr', 2025)).toEqual([['2025-03-29', '2025-03-30', '2025-03-31', '2025-04-01']]);
    expect(datesOf(UAE_HOLIDAYS, 'eid-al-fitr', 2026)).toEqual([['2026-03-18', '2026-03-19', '2026-03-20', '2026-03-21', '2026-03-22']]);
  });

  it('lists a holiday twice when the lunar year brings it twice into one Gregorian year (Eid al-Fitr 1454 and 1455 in 2033)', () => {
    expect(datesOf(SAUDI_HOLIDAYS, 'eid-al-fitr', 2033).map((d) => d[0])).toEqual(['2033-01-02', '2033-12-22']);
  });
});

describe('workspace overrides', () => {
  it('moves one occurrence to the sighted date, keeps its length, and no longer calls it an estimate', () => {
    // The table says 1 Shawwal 1446 is 30 March 2025; a workspace in Iran records its own sighting a day later.
    const overrides = { occurrences: [{ holiday: 'eid-al-fitr', year: 1446, from: '2025-03-31' }] };
    const fitr = holidayOccurrences(IRAN_HOLIDAYS, { from: 2025, to: 2025 }, overrides).filter((o) => o.holiday === 'eid-al-fitr');
    expect(fitr).toEqual([{ holiday: 'eid-al-fitr', name: 'Eid al-Fitr', year: 1446, dates: ['2025-03-31', '2025-04-01'], estimated: false }]);
    const dates = holidayDates(IRAN_HOLIDAYS, { from: 2025, to: 2025 }, overrides);
    expect(dates).not.toContain('2025-03-30');
    expect(dates).toContain('2025-04-01');
    // other years of the same holiday keep their estimate
    expect(holidayOccurrences(IRAN_HOLIDAYS, { from: 2026, to: 2026 }, overrides).find((o) => o.holiday === 'eid-al-fitr')).toMatchObject({ year: 1447, estimated: true });
  });

  it('moves only the occurrence of the Hijri year it names, even when two fall in one Gregorian year', () => {
    const overrides = { occurrences: [{ holiday: 'eid-al-fitr', year: 1455, from: '2033-12-23', days: 5 }] };
    const fitr = holidayOccurrences(SAUDI_HOLIDAYS, { from: 2033, to: 2033 }, overrides).filter((o) => o.holiday === 'eid-al-fitr');
    expect(fitr.map((o) => o.dates)).toEqual([
      ['2033-01-02', '2033-01-03', '2033-01-04', '2033-01-05'],
      ['2033-12-23', '2033-12-24', '2033-12-25', '2033-12-26', '2033-12-27'],
    ]);
  });

  it('cancels an occurrence with zero days, adds and removes single days, and ignores added days outside the years', () => {
    const dates = holidayDates(SAUDI_HOLIDAYS, { from: 2026, to: 2026 }, {
      occurrences: [{ holiday: 'eid-al-adha', year: 1447, from: '2026-05-26', days: 0 }],
      added: ['2026-09-24', '2027-01-01'],
      removed: ['2026-02-22'],
    });
    expect(dates).toEqual(['2026-03-19', '2026-03-20', '2026-03-21', '2026-03-22', '2026-09-23', '2026-09-24']);
  });

  it('refuses a manual date that is not a real day rather than dropping the holiday', () => {
    expect(() => holidayDates(IRAN_HOLIDAYS, { from: 2026, to: 2026 }, { added: ['2026-02-30'] })).toThrow(RangeError);
    expect(() => holidayDates(IRAN_HOLIDAYS, { from: 2026, to: 2026 }, { occurrences: [{ holiday: 'nowruz', year: 1405, from: '21/03/2026' }] })).toThrow(RangeError);
  });

  it('gives distinct sorted dates where holidays meet (Eid al-Fitr 1447 estimate, 29 Esfand and Nowruz in March 2026)', () => {
    const march = holidayDates(IRAN_HOLIDAYS, { from: 2026, to: 2026 }).filter((d) => d.startsWith('2026-03'));
    expect(march).toEqual(['2026-03-10', '2026-03-20', '2026-03-21', '2026-03-22', '2026-03-23', '2026-03-24']);
  });
});

describe('feeding the business calendar', () => {
  it('skips the Saudi Eid al-Fitr holiday and the weekend in Riyadh', () => {
    const nineToFive = [{ from: '09:00', to: '17:00' }];
    const riyadh: BusinessCalendar = {
      timeZone: 'Asia/Riyadh',
      businessHours: { '0': nineToFive, '1': nineToFive, '2': nineToFive, '3': nineToFive, '4': nineToFive },
      weekendDays: [5, 6],
      holidays: holidayDates(SAUDI_HOLIDAYS, { from: 2026, to: 2026 }),
    };
    // Wednesday 18 March 2026 16:00 + 120 min: 60 min until 17:00; Thu 19 (Eid), Fri 20 and Sat 21
    // (weekend and Eid), Sun 22 (Eid) closed; Monday 23 09:00 + 60 min = 10:00.
    expect(addBusinessMinutes(new Date('2026-03-18T16:00:00+03:00'), 120, riyadh).toISOString()).toBe(new Date('2026-03-23T10:00:00+03:00').toISOString());
  });
});
