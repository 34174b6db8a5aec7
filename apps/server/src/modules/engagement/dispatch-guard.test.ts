import { describe, expect, it } from 'vitest';
import { quietHoursEnd } from './dispatch-guard.ts';

describe('quiet hours', () => {
  it('defers a message after midnight to the end of a window that wraps midnight, the same local day', () => {
    // 01:30 in Tehran (UTC+03:30) is 22:00 UTC the day before.
    expect(quietHoursEnd(new Date('2026-11-22T22:00:00Z'), 'Asia/Tehran', '21:00', '09:00')?.toISOString()).toBe('2026-11-23T05:30:00.000Z');
  });

  it('defers a message in the evening to the end of the window the next local day', () => {
    // 22:15 in Riyadh (UTC+3) is 19:15 UTC.
    expect(quietHoursEnd(new Date('2026-11-23T19:15:00Z'), 'Asia/Riyadh', '21:00', '09:00')?.toISOString()).toBe('2026-11-24T06:00:00.000Z');
  });

  it('lets a message through outside the window, and at its very end', () => {
    expect(quietHoursEnd(new Date('2026-11-23T12:00:00Z'), 'Asia/Riyadh', '21:00', '09:00')).toBeNull();
    expect(quietHoursEnd(new Date('2026-11-23T06:00:00Z'), 'Asia/Riyadh', '21:00', '09:00')).toBeNull();
    expect(quietHoursEnd(new Date('2026-11-23T17:59:59Z'), 'Asia/Riyadh', '21:00', '09:00')).toBeNull();
  });

  it('handles a window that does not wrap midnight', () => {
    // 13:30 in Dubai (UTC+4) inside a 13:00–15:00 siesta.
    expect(quietHoursEnd(new Date('2026-11-23T09:30:00Z'), 'Asia/Dubai', '13:00', '15:00')?.toISOString()).toBe('2026-11-23T11:00:00.000Z');
    expect(quietHoursEnd(new Date('2026-11-23T11:30:00Z'), 'Asia/Dubai', '13:00', '15:00')).toBeNull();
  });

  it('takes daylight saving into account: the end is local wall-clock time', () => {
    // New York leaves DST on 2026-11-01: 23:00 EDT on Oct 31 waits until 09:00 EST (14:00 UTC).
    expect(quietHoursEnd(new Date('2026-11-01T03:00:00Z'), 'America/New_York', '21:00', '09:00')?.toISOString()).toBe('2026-11-01T14:00:00.000Z');
  });

  it('has no quiet hours when from equals to', () => {
    expect(quietHoursEnd(new Date('2026-11-23T22:00:00Z'), 'Asia/Tehran', '00:00', '00:00')).toBeNull();
  });
});
