// Golden SLA suite: every expectation is worked out by hand in the comment beside it, one test per
// known bug of other helpdesks (issue 11), in the calendars of Tehran, Riyadh, Dubai and London.
import { describe, expect, it } from 'vitest';
import type { BusinessCalendar } from '../../platform/time/business-hours.ts';
import { SAUDI_HOLIDAYS, holidayDates } from './holiday-calendars.ts';
import { evaluateSla, nextSlaChange, type CaseLogEntry, type ComplaintState, type SlaPolicy } from './sla-clock.ts';

const week = (hours: { from: string; to: string }[], days: number[]) => Object.fromEntries(days.map((d) => [String(d), hours]));

/** Iran: Friday weekend; Saturday–Wednesday 08:00–12:30 and 13:30–17:00 (lunch 12:30–13:30, 480 min); Thursday 08:00–13:00 (300 min). */
const tehran: BusinessCalendar = {
  timeZone: 'Asia/Tehran',
  businessHours: { ...week([{ from: '08:00', to: '12:30' }, { from: '13:30', to: '17:00' }], [6, 0, 1, 2, 3]), '4': [{ from: '08:00', to: '13:00' }] },
  weekendDays: [5],
  holidays: [],
};
/** Saudi Arabia: Friday–Saturday weekend; Sunday–Thursday 09:00–17:00 (480 min); 2026 public holidays. */
const riyadh: BusinessCalendar = {
  timeZone: 'Asia/Riyadh',
  businessHours: week([{ from: '09:00', to: '17:00' }], [0, 1, 2, 3, 4]),
  weekendDays: [5, 6],
  holidays: holidayDates(SAUDI_HOLIDAYS, { from: 2025, to: 2026 }),
};
/** UAE since 2022: Saturday–Sunday weekend; Monday–Thursday 07:30–15:30 (480 min); Friday 07:30–12:00 (270 min). */
const dubai: BusinessCalendar = {
  timeZone: 'Asia/Dubai',
  businessHours: { ...week([{ from: '07:30', to: '15:30' }], [1, 2, 3, 4]), '5': [{ from: '07:30', to: '12:00' }] },
  weekendDays: [6, 0],
  holidays: [],
};
/** London: Monday–Friday 09:00–17:00 local; BST ends Sunday 25 October 2026, starts Sunday 29 March 2026. */
const london: BusinessCalendar = {
  timeZone: 'Europe/London',
  businessHours: week([{ from: '09:00', to: '17:00' }], [1, 2, 3, 4, 5]),
  weekendDays: [6, 0],
  holidays: [],
};

const inTehran = (local: string) => new Date(`${local.replace(' ', 'T')}:00+03:30`);
const inRiyadh = (local: string) => new Date(`${local.replace(' ', 'T')}:00+03:00`);
const inDubai = (local: string) => new Date(`${local.replace(' ', 'T')}:00+04:00`);

const to = (state: ComplaintState, at: Date): CaseLogEntry => ({ kind: 'transition', to: state, at });
const reply = (at: Date): CaseLogEntry => ({ kind: 'response', at });
const policy = (targets: SlaPolicy['targets'], extra: Partial<SlaPolicy> = {}): SlaPolicy => ({ active: true, targets, ...extra });

describe('golden SLA clock', () => {
  it('skips the lunch break (Tehran)', () => {
    // Received Saturday 2026-11-21 11:30, acknowledge within 120 business minutes:
    // 11:30–12:30 = 60, lunch 12:30–13:30 does not count, 13:30 + 60 = 14:30 (a wall clock says 13:30).
    const log = [to('received', inTehran('2026-11-21 11:30'))];
    const open = evaluateSla(log, policy({ acknowledge: 120 }), tehran, inTehran('2026-11-21 14:00'));
    // at 14:00: used 60 + 30 = 90, remaining 30; warning at 0.8 × 120 = 96 min = 13:30 + 36 = 14:06
    expect(open.targets.acknowledge).toMatchObject({ state: 'running', usedMinutes: 90, remainingMinutes: 30, warning: false });
    expect(open.targets.acknowledge.dueAt).toEqual(inTehran('2026-11-21 14:30'));
    expect(open.nextChange).toEqual({ at: inTehran('2026-11-21 14:06'), target: 'acknowledge', change: 'warning' });
    // acknowledged at 14:20: 60 + 50 = 110 ≤ 120
    const done = evaluateSla([...log, to('acknowledged', inTehran('2026-11-21 14:20'))], policy({ acknowledge: 120 }), tehran, inTehran('2026-11-21 15:00'));
    expect(done.targets.acknowledge).toMatchObject({ state: 'met', usedMinutes: 110, stoppedAt: inTehran('2026-11-21 14:20'), dueAt: null });
    expect(done.nextChange).toBeNull();
  });

  it('ends the Thursday half day at 13:00 (Tehran)', () => {
    // Received Thursday 2026-11-26 11:00, resolve within 480: Thursday 11:00–13:00 = 120; Friday weekend;
    // Saturday 08:00–12:30 = 270 (390), 13:30 + 90 = 15:00.
    const log = [to('received', inTehran('2026-11-26 11:00'))];
    const clock = evaluateSla(log, policy({ resolve: 480 }), tehran, inTehran('2026-11-26 16:00')).targets.resolve;
    // at Thursday 16:00 only 120 are used, not 300 as a full Thursday would count
    expect(clock).toMatchObject({ state: 'running', usedMinutes: 120, remainingMinutes: 360 });
    expect(clock.dueAt).toEqual(inTehran('2026-11-28 15:00'));
  });

  it('ends the Friday half day at 12:00 and skips the Saturday–Sunday weekend (Dubai)', () => {
    // Received Thursday 2026-11-26 14:30, resolve within 480: Thursday 14:30–15:30 = 60; Friday 07:30–12:00 = 270 (330);
    // Saturday and Sunday weekend; Monday 07:30 + 150 = 10:00.
    const clock = evaluateSla([to('received', inDubai('2026-11-26 14:30'))], policy({ resolve: 480 }), dubai, inDubai('2026-11-27 13:00')).targets.resolve;
    expect(clock).toMatchObject({ state: 'running', usedMinutes: 330, remainingMinutes: 150 });
    expect(clock.dueAt).toEqual(inDubai('2026-11-30 10:00'));
  });

  it('starts the clock of a case opened outside business hours at the next opening', () => {
    // Tehran: received Friday (weekend) 2026-11-27 20:00, acknowledge within 60: Saturday 08:00 + 60 = 09:00.
    const tehranLog = [to('received', inTehran('2026-11-27 20:00'))];
    const before = evaluateSla(tehranLog, policy({ acknowledge: 60 }), tehran, inTehran('2026-11-28 07:59'));
    expect(before.targets.acknowledge).toMatchObject({ state: 'running', usedMinutes: 0, remainingMinutes: 60, warning: false });
    expect(before.targets.acknowledge.dueAt).toEqual(inTehran('2026-11-28 09:00'));
    // warning at 0.8 × 60 = 48 minutes after the opening: 08:48
    expect(before.nextChange).toEqual({ at: inTehran('2026-11-28 08:48'), target: 'acknowledge', change: 'warning' });
    // Riyadh: received Thursday 2026-11-26 18:00 (after closing, before the Friday–Saturday weekend): Sunday 09:00 + 60 = 10:00.
    const riyadhClock = evaluateSla([to('received', inRiyadh('2026-11-26 18:00'))], policy({ acknowledge: 60 }), riyadh, inRiyadh('2026-11-28 12:00')).targets.acknowledge;
    expect(riyadhClock.dueAt).toEqual(inRiyadh('2026-11-29 10:00'));
    expect(riyadhClock.usedMinutes).toBe(0);
  });

  it('moves the deadline when a holiday is added after the case opened (Tehran)', () => {
    // Received Wednesday 2026-11-25 16:00, resolve within 480: Wednesday 16:00–17:00 = 60; Thursday 08:00–13:00 = 300 (360);
    // Friday weekend; Saturday 08:00 + 120 = 10:00.
    const log = [to('received', inTehran('2026-11-25 16:00')), to('acknowledged', inTehran('2026-11-25 16:10'))];
    const now = inTehran('2026-11-28 09:00');
    const before = evaluateSla(log, policy({ resolve: 480 }), tehran, now).targets.resolve;
    expect(before).toMatchObject({ state: 'running', usedMinutes: 420 }); // 360 + Saturday 08:00–09:00
    expect(before.dueAt).toEqual(inTehran('2026-11-28 10:00'));
    // The city announces Saturday 28 November closed (air pollution), after the case opened. The calendar is
    // read again: Saturday no longer counts; used at Saturday 09:00 is 360, and the 120 left fall on Sunday 08:00–10:00.
    const closedSaturday = { ...tehran, holidays: holidayDates([], { from: 2026, to: 2026 }, { added: ['2026-11-28'] }) };
    const after = evaluateSla(log, policy({ resolve: 480 }), closedSaturday, now);
    expect(after.targets.resolve).toMatchObject({ state: 'running', usedMinutes: 360, remainingMinutes: 120 });
    expect(after.targets.resolve.dueAt).toEqual(inTehran('2026-11-29 10:00'));
    // and the job's wake-up moves with it: warning at 0.8 × 480 = 384 = Sunday 08:00 + 24
    expect(after.nextChange).toEqual({ at: inTehran('2026-11-29 08:24'), target: 'resolve', change: 'warning' });
  });

  // Received Sunday 2026-11-22 09:00; waiting for the customer from Sunday 13:00 to Monday 13:00.
  const pausedOverNight = [
    to('received', inRiyadh('2026-11-22 09:00')),
    to('acknowledged', inRiyadh('2026-11-22 09:30')),
    to('under_investigation', inRiyadh('2026-11-22 10:00')),
    to('waiting_for_customer', inRiyadh('2026-11-22 13:00')),
    to('under_investigation', inRiyadh('2026-11-23 13:00')),
  ];

  it('applies a policy changed mid-case to the whole case without losing the paused time (Riyadh)', () => {
    const now = inRiyadh('2026-11-23 15:00');
    // Used at Monday 15:00: Sunday 09:00–13:00 = 240, paused, Monday 13:00–15:00 = 120: 360.
    // Old policy, resolve within 960: 960 − 240 = 720 from Monday 13:00: Monday 13:00–17:00 = 240, Tuesday 09:00 + 480 = 17:00.
    const old = evaluateSla(pausedOverNight, policy({ resolve: 960 }), riyadh, now).targets.resolve;
    expect(old).toMatchObject({ state: 'running', usedMinutes: 360, remainingMinutes: 600 });
    expect(old.dueAt).toEqual(inRiyadh('2026-11-24 17:00'));
    // New policy, resolve within 480: 480 − 240 = 240 from Monday 13:00 = Monday 17:00. Measuring from receipt
    // without the pause (GLPI) would say Sunday 17:00 and breached.
    const changed = evaluateSla(pausedOverNight, policy({ resolve: 480 }), riyadh, now);
    expect(changed.targets.resolve).toMatchObject({ state: 'running', usedMinutes: 360, remainingMinutes: 120, warning: false });
    expect(changed.targets.resolve.dueAt).toEqual(inRiyadh('2026-11-23 17:00'));
    // warning at 384 = Monday 13:00 + (384 − 240) = 15:24
    expect(changed.nextChange).toEqual({ at: inRiyadh('2026-11-23 15:24'), target: 'resolve', change: 'warning' });
  });

  it('measures nothing under a deactivated policy: no due date, no warning, no breach, nothing to wake for', () => {
    // Tuesday 2026-11-24 12:00: the active 480-minute policy is breached (due Monday 17:00, see above).
    const now = inRiyadh('2026-11-24 12:00');
    expect(evaluateSla(pausedOverNight, policy({ resolve: 480 }), riyadh, now).targets.resolve.state).toBe('breached');
    const off = evaluateSla(pausedOverNight, policy({ acknowledge: 60, firstResponse: 120, resolve: 480 }, { active: false }), riyadh, now);
    for (const clock of Object.values(off.targets)) {
      expect(clock).toMatchObject({ state: 'none', targetMinutes: null, remainingMinutes: null, dueAt: null, warningAt: null, warning: false });
    }
    expect(off.nextChange).toBeNull();
    expect(nextSlaChange(pausedOverNight, policy({ resolve: 480 }, { active: false }), riyadh, now)).toBeNull();
  });

  it('never counts paused time across a weekend and a holiday, not even as wall time (Riyadh, National Day)', () => {
    // Received Tuesday 2026-09-22 09:00, resolve within 600; waiting for the customer from Tuesday 14:00
    // (used 300) until Sunday 27 September 11:00. The pause covers Tuesday 14:00–17:00 (business time),
    // Wednesday 23 (National Day), Thursday 24 (a full business day), Friday and Saturday: none of it counts.
    // Resumed Sunday 11:00 with 600 − 300 = 300 left: due Sunday 16:00.
    const log = [
      to('received', inRiyadh('2026-09-22 09:00')),
      to('waiting_for_customer', inRiyadh('2026-09-22 14:00')),
      to('under_investigation', inRiyadh('2026-09-27 11:00')),
    ];
    const whilePaused = evaluateSla(log.slice(0, 2), policy({ resolve: 600 }), riyadh, inRiyadh('2026-09-24 12:00'));
    expect(whilePaused.targets.resolve).toMatchObject({ state: 'paused', usedMinutes: 300, remainingMinutes: 300, dueAt: null });
    expect(whilePaused.nextChange).toBeNull();
    const resumed = evaluateSla(log, policy({ resolve: 600 }), riyadh, inRiyadh('2026-09-27 12:00'));
    expect(resumed.targets.resolve).toMatchObject({ state: 'running', usedMinutes: 360, remainingMinutes: 240 }); // 300 + 11:00–12:00
    expect(resumed.targets.resolve.dueAt).toEqual(inRiyadh('2026-09-27 16:00'));
  });

  it('keeps the first response met when a later update comes after its due time (Tehran)', () => {
    // Received Saturday 2026-11-21 08:00, first response within 120 (due 10:00); replied 09:00 (60 used, met);
    // an update on Sunday 11:00, long after 10:00, changes nothing.
    const log = [to('received', inTehran('2026-11-21 08:00')), reply(inTehran('2026-11-21 09:00')), reply(inTehran('2026-11-22 11:00'))];
    const result = evaluateSla(log, policy({ firstResponse: 120, resolve: 2400 }), tehran, inTehran('2026-11-22 12:00'));
    expect(result.targets.firstResponse).toMatchObject({ state: 'met', usedMinutes: 60, stoppedAt: inTehran('2026-11-21 09:00'), warning: false, dueAt: null });
    // The resolve clock runs on regardless: Saturday 270 + 210 = 480, Sunday 08:00–12:00 = 240: 720.
    expect(result.targets.resolve).toMatchObject({ state: 'running', usedMinutes: 720 });
    // No acknowledge target in this policy.
    expect(result.targets.acknowledge.state).toBe('none');
    expect(result.nextChange?.target).toBe('resolve');
  });

  it('judges a case imported already closed from its log, with no warning to send (Riyadh)', () => {
    // Sunday 2025-11-02: received 09:00; acknowledged 10:30 (90 > 60: late, due was 10:00); replied 11:00
    // (120 = 120: met, exactly at due); resolution communicated Tuesday 12:00 (Sunday 480 + Monday 480 +
    // Tuesday 180 = 1140 ≤ 1440: met); closed Wednesday 10:00.
    const log = [
      to('received', inRiyadh('2025-11-02 09:00')),
      to('acknowledged', inRiyadh('2025-11-02 10:30')),
      reply(inRiyadh('2025-11-02 11:00')),
      to('under_investigation', inRiyadh('2025-11-02 11:30')),
      to('resolution_communicated', inRiyadh('2025-11-04 12:00')),
      to('closed', inRiyadh('2025-11-05 10:00')),
    ];
    const imported = evaluateSla(log, policy({ acknowledge: 60, firstResponse: 120, resolve: 1440 }), riyadh, inRiyadh('2026-06-01 10:00'));
    expect(imported.targets.acknowledge).toMatchObject({ state: 'met_late', usedMinutes: 90, remainingMinutes: -30, dueAt: inRiyadh('2025-11-02 10:00'), warning: false });
    expect(imported.targets.firstResponse).toMatchObject({ state: 'met', usedMinutes: 120, dueAt: inRiyadh('2025-11-02 11:00'), warning: false });
    expect(imported.targets.resolve).toMatchObject({ state: 'met', usedMinutes: 1140, stoppedAt: inRiyadh('2025-11-04 12:00'), warning: false });
    expect(imported.nextChange).toBeNull();
  });

  it('resumes the resolve clock where it stopped on reopening, or restarts it when the policy says so (Dubai)', () => {
    // Received Monday 2026-11-23 07:30, resolve within 960; resolution communicated 15:30 (480 used, stopped);
    // closed Tuesday 10:00; reopened Wednesday 07:30 (the customer rejected it). Tuesday's business day does not count.
    const log = [
      to('received', inDubai('2026-11-23 07:30')),
      to('acknowledged', inDubai('2026-11-23 07:45')),
      to('resolution_communicated', inDubai('2026-11-23 15:30')),
      to('closed', inDubai('2026-11-24 10:00')),
      to('reopened', inDubai('2026-11-25 07:30')),
    ];
    const closed = evaluateSla(log.slice(0, 4), policy({ resolve: 960 }), dubai, inDubai('2026-11-24 12:00')).targets.resolve;
    expect(closed).toMatchObject({ state: 'met', usedMinutes: 480, stoppedAt: inDubai('2026-11-23 15:30') });
    const now = inDubai('2026-11-25 09:30');
    // resume: 480 + Wednesday 07:30–09:30 = 600 used; 960 − 480 = 480 from Wednesday 07:30 = Wednesday 15:30
    const resumed = evaluateSla(log, policy({ resolve: 960 }), dubai, now).targets.resolve;
    expect(resumed).toMatchObject({ state: 'running', usedMinutes: 600, remainingMinutes: 360, stoppedAt: null });
    expect(resumed.dueAt).toEqual(inDubai('2026-11-25 15:30'));
    // restart: 120 used since the reopening; 960 from Wednesday 07:30 = Wednesday 480 + Thursday 480 = Thursday 15:30
    const restarted = evaluateSla(log, policy({ resolve: 960 }, { onReopen: 'restart' }), dubai, now).targets.resolve;
    expect(restarted).toMatchObject({ state: 'running', usedMinutes: 120, remainingMinutes: 840 });
    expect(restarted.dueAt).toEqual(inDubai('2026-11-26 15:30'));
  });

  it('keeps local opening hours across a DST change (Europe/London)', () => {
    // Received Friday 2026-10-23 16:00 BST (15:00Z), resolve within 120: Friday 16:00–17:00 = 60; clocks go back
    // on Sunday; Monday 09:00 GMT (09:00Z) + 60 = 10:00Z. A fixed +01:00 offset would say 09:00Z.
    expect(evaluateSla([to('received', new Date('2026-10-23T15:00:00Z'))], policy({ resolve: 120 }), london, new Date('2026-10-24T12:00:00Z')).targets.resolve.dueAt)
      .toEqual(new Date('2026-10-26T10:00:00Z'));
    // Paused across the change: received Friday 09:00 BST (08:00Z), waiting from 10:00 BST (09:00Z, 60 used),
    // resumed Monday 10:00 GMT (10:00Z): 60 left, due 11:00 GMT = 11:00Z.
    const log = [
      to('received', new Date('2026-10-23T08:00:00Z')),
      to('waiting_for_customer', new Date('2026-10-23T09:00:00Z')),
      to('under_investigation', new Date('2026-10-26T10:00:00Z')),
    ];
    const clock = evaluateSla(log, policy({ resolve: 120 }), london, new Date('2026-10-26T10:30:00Z')).targets.resolve;
    expect(clock).toMatchObject({ state: 'running', usedMinutes: 90 });
    expect(clock.dueAt).toEqual(new Date('2026-10-26T11:00:00Z'));
    // Spring: Friday 2026-03-27 16:00 GMT + 120: 60 on Friday, Monday 09:00 BST (08:00Z) + 60 = 09:00Z.
    expect(evaluateSla([to('received', new Date('2026-03-27T16:00:00Z'))], policy({ resolve: 120 }), london, new Date('2026-03-27T16:00:00Z')).targets.resolve.dueAt)
      .toEqual(new Date('2026-03-30T09:00:00Z'));
  });
});

describe('what a job wakes for', () => {
  const received = [to('received', inTehran('2026-11-21 08:00'))];
  const ack60 = policy({ acknowledge: 60 });

  it('wakes at the warning, then at the breach, then not at all', () => {
    // Saturday 2026-11-21 08:00, acknowledge within 60: warning at 48 min (08:48), breach at 09:00.
    expect(nextSlaChange(received, ack60, tehran, inTehran('2026-11-21 08:10'))).toEqual({ at: inTehran('2026-11-21 08:48'), target: 'acknowledge', change: 'warning' });
    const atRisk = evaluateSla(received, ack60, tehran, inTehran('2026-11-21 08:50'));
    expect(atRisk.targets.acknowledge).toMatchObject({ state: 'running', warning: true, warningAt: inTehran('2026-11-21 08:48') });
    expect(atRisk.nextChange).toEqual({ at: inTehran('2026-11-21 09:00'), target: 'acknowledge', change: 'breach' });
    // at exactly the due instant the target is breached
    expect(evaluateSla(received, ack60, tehran, inTehran('2026-11-21 09:00')).targets.acknowledge.state).toBe('breached');
    const late = evaluateSla(received, ack60, tehran, inTehran('2026-11-21 09:05'));
    expect(late.targets.acknowledge).toMatchObject({ state: 'breached', usedMinutes: 65, remainingMinutes: -5, warning: true });
    expect(late.nextChange).toBeNull();
  });

  it('does not wake for a paused case, and picks the earliest change across targets', () => {
    const paused = [...received, to('waiting_for_customer', inTehran('2026-11-21 08:30'))];
    expect(nextSlaChange(paused, ack60, tehran, inTehran('2026-11-21 10:00'))).toBeNull();
    // acknowledge due 09:00 (warning 08:48), first response within 30: warning at 24 min = 08:24, due 08:30
    expect(nextSlaChange(received, policy({ acknowledge: 60, firstResponse: 30 }), tehran, inTehran('2026-11-21 08:10')))
      .toEqual({ at: inTehran('2026-11-21 08:24'), target: 'firstResponse', change: 'warning' });
  });

  it('sends no separate warning when the warning share is 1', () => {
    expect(nextSlaChange(received, policy({ acknowledge: 60 }, { warningShare: 1 }), tehran, inTehran('2026-11-21 08:10')))
      .toEqual({ at: inTehran('2026-11-21 09:00'), target: 'acknowledge', change: 'breach' });
  });

  it('ignores log entries after the instant it is asked about', () => {
    const log = [...received, to('acknowledged', inTehran('2026-11-21 08:40'))];
    expect(evaluateSla(log, ack60, tehran, inTehran('2026-11-21 08:30')).targets.acknowledge).toMatchObject({ state: 'running', usedMinutes: 30 });
  });

  it('measures nothing for an empty log', () => {
    const empty = evaluateSla([], ack60, tehran, inTehran('2026-11-21 09:00'));
    expect(empty.targets.acknowledge).toMatchObject({ state: 'none', usedMinutes: 0, dueAt: null });
    expect(empty.nextChange).toBeNull();
  });

  it('refuses a policy it cannot measure', () => {
    expect(() => evaluateSla(received, policy({ resolve: 0 }), tehran, inTehran('2026-11-21 09:00'))).toThrow(RangeError);
    expect(() => evaluateSla(received, policy({ resolve: 60 }, { warningShare: 1.5 }), tehran, inTehran('2026-11-21 09:00'))).toThrow(RangeError);
  });
});
