import { describe, expect, it } from 'vitest';
import { exportPeriod } from './responses-export.tsx';

describe('the export period from the results screen', () => {
  it('turns the workspace days (inclusive) into instants [start of from, start of the day after to)', () => {
    // Tehran is UTC+03:30 all year since 2022
    expect(exportPeriod({ from: '2026-03-01', to: '2026-03-31' }, 'Asia/Tehran')).toEqual({ from: '2026-02-28T20:30:00.000Z', to: '2026-03-31T20:30:00.000Z' });
    expect(exportPeriod({ to: '2026-12-31' }, 'Asia/Riyadh')).toEqual({ to: '2026-12-31T21:00:00.000Z' });
    expect(exportPeriod({ from: '2026-01-01' }, 'UTC')).toEqual({ from: '2026-01-01T00:00:00.000Z' });
    expect(exportPeriod({}, 'Asia/Tehran')).toEqual({});
  });
});
