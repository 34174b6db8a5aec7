import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CASE_ACTIONS,
  CASE_ACTORS,
  allowedActions,
  caseActorForRole,
  casePositionFromLog,
  nextState,
  type CaseAction,
  type CaseActor,
  type LifecycleContext,
} from './case-lifecycle.ts';
import { caseStatusWords } from './case-status.words.ts';
import { COMPLAINT_STATES, type CaseLogEntry, type ComplaintState } from './sla-clock.ts';

const STAFF: CaseActor[] = ['agent', 'supervisor'];
const STAFF_AND_SYSTEM: CaseActor[] = ['agent', 'supervisor', 'system'];
const SUPERVISOR: CaseActor[] = ['supervisor'];
const ANYONE_BUT_CUSTOMER = STAFF_AND_SYSTEM;

/** What each action does from each state, and who may take it; written out by hand, not derived from the module. */
type Expected = Partial<Record<CaseAction, { to: ComplaintState | 'origin'; by: CaseActor[] }>>;
const EXPECTED: Record<Exclude<ComplaintState, 'escalated'>, Expected> = {
  received: {
    acknowledge: { to: 'acknowledged', by: STAFF_AND_SYSTEM },
    escalate: { to: 'escalated', by: STAFF_AND_SYSTEM },
    close: { to: 'closed', by: SUPERVISOR },
  },
  acknowledged: {
    assess: { to: 'assessed', by: STAFF },
    wait_for_customer: { to: 'waiting_for_customer', by: STAFF },
    escalate: { to: 'escalated', by: STAFF_AND_SYSTEM },
    close: { to: 'closed', by: SUPERVISOR },
  },
  assessed: {
    investigate: { to: 'under_investigation', by: STAFF },
    propose_resolution: { to: 'resolution_proposed', by: STAFF },
    wait_for_customer: { to: 'waiting_for_customer', by: STAFF },
    escalate: { to: 'escalated', by: STAFF_AND_SYSTEM },
    close: { to: 'closed', by: SUPERVISOR },
  },
  under_investigation: {
    propose_resolution: { to: 'resolution_proposed', by: STAFF },
    wait_for_customer: { to: 'waiting_for_customer', by: STAFF },
    escalate: { to: 'escalated', by: STAFF_AND_SYSTEM },
    close: { to: 'closed', by: SUPERVISOR },
  },
  resolution_proposed: {
    investigate: { to: 'under_investigation', by: STAFF },
    communicate_resolution: { to: 'resolution_communicated', by: STAFF },
    escalate: { to: 'escalated', by: STAFF_AND_SYSTEM },
    close: { to: 'closed', by: SUPERVISOR },
  },
  resolution_communicated: {
    customer_accepts: { to: 'closed', by: ['customer', 'agent', 'supervisor'] },
    customer_rejects: { to: 'reopened', by: ['customer', 'agent', 'supervisor'] },
    close: { to: 'closed', by: STAFF_AND_SYSTEM },
  },
  closed: {
    reopen: { to: 'reopened', by: ANYONE_BUT_CUSTOMER },
  },
  reopened: {
    assess: { to: 'assessed', by: STAFF },
    investigate: { to: 'under_investigation', by: STAFF },
    propose_resolution: { to: 'resolution_proposed', by: STAFF },
    wait_for_customer: { to: 'waiting_for_customer', by: STAFF },
    escalate: { to: 'escalated', by: STAFF_AND_SYSTEM },
    close: { to: 'closed', by: SUPERVISOR },
  },
  waiting_for_customer: {
    customer_replied: { to: 'origin', by: ['customer', 'agent', 'supervisor', 'system'] },
    resume: { to: 'origin', by: STAFF_AND_SYSTEM },
    close: { to: 'closed', by: SUPERVISOR },
  },
};
/** Escalated: the supervisor's alone, per state it came from: hand back, close, or take the next step itself. */
const EXPECTED_ESCALATED: Record<string, Expected> = {
  received: { acknowledge: { to: 'acknowledged', by: SUPERVISOR } },
  acknowledged: { assess: { to: 'assessed', by: SUPERVISOR } },
  assessed: { investigate: { to: 'under_investigation', by: SUPERVISOR }, propose_resolution: { to: 'resolution_proposed', by: SUPERVISOR } },
  under_investigation: { propose_resolution: { to: 'resolution_proposed', by: SUPERVISOR } },
  resolution_proposed: { investigate: { to: 'under_investigation', by: SUPERVISOR }, communicate_resolution: { to: 'resolution_communicated', by: SUPERVISOR } },
  reopened: {
    assess: { to: 'assessed', by: SUPERVISOR },
    investigate: { to: 'under_investigation', by: SUPERVISOR },
    propose_resolution: { to: 'resolution_proposed', by: SUPERVISOR },
  },
};
const WAITING_ORIGINS: ComplaintState[] = ['acknowledged', 'assessed', 'under_investigation', 'reopened'];
const ESCALATION_ORIGINS = Object.keys(EXPECTED_ESCALATED) as ComplaintState[];
const NOMINAL_TARGET: Record<CaseAction, ComplaintState | null> = {
  acknowledge: 'acknowledged', assess: 'assessed', investigate: 'under_investigation', propose_resolution: 'resolution_proposed',
  communicate_resolution: 'resolution_communicated', customer_accepts: 'closed', customer_rejects: 'reopened', close: 'closed',
  reopen: 'reopened', escalate: 'escalated', wait_for_customer: 'waiting_for_customer', customer_replied: null, resume: null,
};

const DATA = { rootCause: 'delivery', resolutionSummary: 'Resent the parcel by courier and refunded the shipping fee.' };

describe('nextState over every state × action × actor', () => {
  /** Each case the table covers: the state, the detour's origin where there is one, and what is expected there. */
  const situations: { state: ComplaintState; origin?: ComplaintState; expected: Expected }[] = [
    ...(Object.keys(EXPECTED) as Exclude<ComplaintState, 'escalated'>[])
      .filter((state) => state !== 'waiting_for_customer')
      .map((state) => ({ state, expected: EXPECTED[state] })),
    ...WAITING_ORIGINS.map((origin) => ({ state: 'waiting_for_customer' as const, origin, expected: EXPECTED.waiting_for_customer })),
    ...ESCALATION_ORIGINS.map((origin) => ({
      state: 'escalated' as const,
      origin,
      expected: { resume: { to: 'origin', by: SUPERVISOR }, close: { to: 'closed', by: SUPERVISOR }, ...EXPECTED_ESCALATED[origin] } satisfies Expected,
    })),
  ];

  it('covers every state', () => {
    expect(new Set(situations.map((s) => s.state))).toEqual(new Set(COMPLAINT_STATES));
  });

  it('does what the written table says, and refuses everything else with the right code', () => {
    let checked = 0;
    for (const { state, origin, expected } of situations) {
      const origins = { escalatedFrom: state === 'escalated' ? origin : null, waitingFrom: state === 'waiting_for_customer' ? origin : null };
      for (const action of CASE_ACTIONS) {
        for (const actor of CASE_ACTORS) {
          const outcome = nextState(state, action, { actor, ...origins, ...DATA });
          const where = `${state}${origin ? ` (from ${origin})` : ''} --${action}--> by ${actor}`;
          const rule = expected[action];
          if (state === 'closed' && action !== 'reopen') {
            expect(outcome, where).toEqual({ ok: false, code: 'closed_case', from: 'closed', action });
          } else if (!rule) {
            expect(outcome, where).toEqual({ ok: false, code: 'illegal_transition', from: state, action, to: NOMINAL_TARGET[action] });
          } else if (!rule.by.includes(actor)) {
            expect(outcome, where).toEqual({ ok: false, code: 'role_not_permitted', from: state, action, actor });
          } else {
            expect(outcome, where).toEqual({ ok: true, from: state, action, to: rule.to === 'origin' ? origin : rule.to });
          }
          checked++;
        }
      }
    }
    expect(checked).toBe(situations.length * CASE_ACTIONS.length * CASE_ACTORS.length);
  });

  it('gives screens exactly the actions that nextState accepts', () => {
    for (const { state, origin, expected } of situations) {
      const origins = { escalatedFrom: state === 'escalated' ? origin : null, waitingFrom: state === 'waiting_for_customer' ? origin : null };
      for (const actor of CASE_ACTORS) {
        const offered = CASE_ACTIONS.filter((action) => expected[action]?.by.includes(actor));
        expect(allowedActions(state, actor, origins), `${state} ${origin ?? ''} ${actor}`).toEqual(offered);
      }
    }
  });

  it('offers the customer only accept/reject on an answer, a reply while waited on, and nothing else', () => {
    expect(allowedActions('resolution_communicated', 'customer')).toEqual(['customer_accepts', 'customer_rejects']);
    expect(allowedActions('waiting_for_customer', 'customer', { waitingFrom: 'assessed' })).toEqual(['customer_replied']);
    for (const state of COMPLAINT_STATES.filter((s) => s !== 'resolution_communicated' && s !== 'waiting_for_customer')) {
      expect(allowedActions(state, 'customer', { escalatedFrom: 'received' }), state).toEqual([]);
    }
  });
});

describe('what a transition needs', () => {
  const atAnswer = (context: Partial<LifecycleContext>) => nextState('resolution_communicated', 'close', { actor: 'agent', ...context });

  it('refuses to close without a root cause or without a summary of what was done', () => {
    expect(atAnswer({ resolutionSummary: DATA.resolutionSummary })).toEqual({
      ok: false, code: 'root_cause_required', from: 'resolution_communicated', action: 'close', to: 'closed', missing: ['rootCause'],
    });
    expect(atAnswer({ rootCause: 'delivery' })).toEqual({
      ok: false, code: 'resolution_summary_required', from: 'resolution_communicated', action: 'close', to: 'closed', missing: ['resolutionSummary'],
    });
    expect(atAnswer({})).toMatchObject({ ok: false, code: 'root_cause_required', missing: ['rootCause', 'resolutionSummary'] });
    expect(atAnswer({ rootCause: '  ', resolutionSummary: '\n' })).toMatchObject({ code: 'root_cause_required', missing: ['rootCause', 'resolutionSummary'] });
    expect(atAnswer({ rootCause: null, resolutionSummary: null })).toMatchObject({ code: 'root_cause_required' });
    expect(atAnswer(DATA)).toEqual({ ok: true, from: 'resolution_communicated', action: 'close', to: 'closed' });
  });

  it('holds every way into closed to the same rule: acceptance, the system, a supervisor closing early', () => {
    expect(nextState('resolution_communicated', 'customer_accepts', { actor: 'customer' })).toMatchObject({ code: 'root_cause_required' });
    expect(nextState('resolution_communicated', 'close', { actor: 'system', rootCause: 'billing' })).toMatchObject({ code: 'resolution_summary_required' });
    expect(nextState('received', 'close', { actor: 'supervisor', resolutionSummary: 'Duplicate of another case.' })).toMatchObject({ code: 'root_cause_required' });
    expect(nextState('escalated', 'close', { actor: 'supervisor', escalatedFrom: 'assessed' })).toMatchObject({ code: 'root_cause_required' });
  });

  it('asks for both before the decision is communicated, so that the customer accepting can never be refused', () => {
    expect(nextState('resolution_proposed', 'communicate_resolution', { actor: 'agent', resolutionSummary: DATA.resolutionSummary })).toMatchObject({
      ok: false, code: 'root_cause_required', to: 'resolution_communicated',
    });
    expect(nextState('under_investigation', 'propose_resolution', { actor: 'agent' })).toMatchObject({
      ok: false, code: 'resolution_summary_required', to: 'resolution_proposed', missing: ['resolutionSummary'],
    });
    expect(nextState('under_investigation', 'propose_resolution', { actor: 'agent', resolutionSummary: 'Refund the order.' })).toMatchObject({ ok: true });
  });

  it('checks the state and the actor before the data', () => {
    expect(nextState('closed', 'close', { actor: 'agent' })).toMatchObject({ code: 'closed_case' });
    expect(nextState('assessed', 'customer_accepts', { actor: 'customer' })).toMatchObject({ code: 'illegal_transition' });
    expect(nextState('under_investigation', 'close', { actor: 'agent' })).toMatchObject({ code: 'role_not_permitted', actor: 'agent' });
  });

  it('needs the state a detour returns to, and says so instead of guessing', () => {
    expect(() => nextState('waiting_for_customer', 'customer_replied', { actor: 'customer' })).toThrow(/waitingFrom/);
    expect(() => nextState('escalated', 'resume', { actor: 'supervisor', escalatedFrom: 'closed' })).toThrow(/escalatedFrom/);
    expect(() => allowedActions('escalated', 'supervisor')).toThrow(/escalatedFrom/);
  });
});

/** Walks a case through actions as the service would: position from the log, then nextState, then append. */
function walk(steps: [CaseAction, CaseActor, ComplaintState][], data: Partial<LifecycleContext> = DATA) {
  const log: CaseLogEntry[] = [{ kind: 'transition', to: 'received', at: new Date(Date.UTC(2026, 0, 10, 6)) }];
  for (const [i, [action, actor, expected]] of steps.entries()) {
    const position = casePositionFromLog(log);
    const outcome = nextState(position.state, action, { actor, ...position, ...data });
    expect(outcome, `step ${i + 1}: ${action} by ${actor} from ${position.state}`).toEqual({ ok: true, from: position.state, action, to: expected });
    log.push({ kind: 'transition', to: expected, at: new Date(log.at(-1)!.at.getTime() + 3_600_000) });
  }
  return { log, position: casePositionFromLog(log) };
}

describe('legal paths', () => {
  it('receipt to closure: acknowledged by the system, investigated, answered, accepted by the customer', () => {
    const { position } = walk([
      ['acknowledge', 'system', 'acknowledged'],
      ['assess', 'agent', 'assessed'],
      ['investigate', 'agent', 'under_investigation'],
      ['propose_resolution', 'agent', 'resolution_proposed'],
      ['communicate_resolution', 'agent', 'resolution_communicated'],
      ['customer_accepts', 'customer', 'closed'],
    ]);
    expect(position).toEqual({ state: 'closed', escalatedFrom: null, waitingFrom: null });
  });

  it('a simple complaint answered straight after assessment, closed by the system when the customer does not reply', () => {
    walk([
      ['acknowledge', 'agent', 'acknowledged'],
      ['assess', 'agent', 'assessed'],
      ['propose_resolution', 'agent', 'resolution_proposed'],
      ['communicate_resolution', 'agent', 'resolution_communicated'],
      ['close', 'system', 'closed'],
    ]);
  });

  it('reject and reopen: the customer rejects the answer, the case is reopened, worked again and accepted', () => {
    walk([
      ['acknowledge', 'system', 'acknowledged'],
      ['assess', 'agent', 'assessed'],
      ['investigate', 'agent', 'under_investigation'],
      ['propose_resolution', 'agent', 'resolution_proposed'],
      ['communicate_resolution', 'agent', 'resolution_communicated'],
      ['customer_rejects', 'customer', 'reopened'],
      ['investigate', 'agent', 'under_investigation'],
      ['propose_resolution', 'supervisor', 'resolution_proposed'],
      ['communicate_resolution', 'supervisor', 'resolution_communicated'],
      ['customer_accepts', 'customer', 'closed'],
    ]);
  });

  it('a rejection taken by phone is recorded by the agent, and the reopened case is assessed again', () => {
    walk([
      ['acknowledge', 'system', 'acknowledged'],
      ['assess', 'agent', 'assessed'],
      ['propose_resolution', 'agent', 'resolution_proposed'],
      ['communicate_resolution', 'agent', 'resolution_communicated'],
      ['customer_rejects', 'agent', 'reopened'],
      ['assess', 'supervisor', 'assessed'],
      ['propose_resolution', 'supervisor', 'resolution_proposed'],
      ['communicate_resolution', 'agent', 'resolution_communicated'],
      ['customer_accepts', 'agent', 'closed'],
    ]);
  });

  it('post-closure CSAT: a bad answer after closure reopens the case by the system, and it is closed again', () => {
    walk([
      ['acknowledge', 'system', 'acknowledged'],
      ['assess', 'agent', 'assessed'],
      ['propose_resolution', 'agent', 'resolution_proposed'],
      ['communicate_resolution', 'agent', 'resolution_communicated'],
      ['customer_accepts', 'customer', 'closed'],
      ['reopen', 'system', 'reopened'],
      ['propose_resolution', 'agent', 'resolution_proposed'],
      ['communicate_resolution', 'agent', 'resolution_communicated'],
      ['close', 'agent', 'closed'],
    ]);
  });

  it('waiting for the customer returns to where it paused: on their reply, or when the agent or the system goes on without it', () => {
    const replied = walk([
      ['acknowledge', 'system', 'acknowledged'],
      ['assess', 'agent', 'assessed'],
      ['investigate', 'agent', 'under_investigation'],
      ['wait_for_customer', 'agent', 'waiting_for_customer'],
    ]);
    expect(replied.position).toEqual({ state: 'waiting_for_customer', escalatedFrom: null, waitingFrom: 'under_investigation' });
    walk([
      ['acknowledge', 'system', 'acknowledged'],
      ['wait_for_customer', 'agent', 'waiting_for_customer'],
      ['customer_replied', 'customer', 'acknowledged'],
      ['assess', 'agent', 'assessed'],
      ['wait_for_customer', 'agent', 'waiting_for_customer'],
      ['customer_replied', 'system', 'assessed'],
      ['investigate', 'agent', 'under_investigation'],
      ['wait_for_customer', 'supervisor', 'waiting_for_customer'],
      ['resume', 'system', 'under_investigation'],
      ['propose_resolution', 'agent', 'resolution_proposed'],
      ['communicate_resolution', 'agent', 'resolution_communicated'],
      ['customer_rejects', 'customer', 'reopened'],
      ['wait_for_customer', 'agent', 'waiting_for_customer'],
      ['resume', 'agent', 'reopened'],
    ]);
  });

  it('escalation: handed back as it was, or taken on by the supervisor with the next step', () => {
    walk([
      ['escalate', 'system', 'escalated'],
      ['acknowledge', 'supervisor', 'acknowledged'],
      ['assess', 'agent', 'assessed'],
      ['investigate', 'agent', 'under_investigation'],
      ['escalate', 'agent', 'escalated'],
      ['resume', 'supervisor', 'under_investigation'],
      ['escalate', 'system', 'escalated'],
      ['propose_resolution', 'supervisor', 'resolution_proposed'],
      ['escalate', 'agent', 'escalated'],
      ['communicate_resolution', 'supervisor', 'resolution_communicated'],
      ['customer_rejects', 'customer', 'reopened'],
      ['escalate', 'agent', 'escalated'],
      ['close', 'supervisor', 'closed'],
    ]);
  });

  it('a proposal withdrawn before the customer sees it goes back to investigation', () => {
    walk([
      ['acknowledge', 'system', 'acknowledged'],
      ['assess', 'agent', 'assessed'],
      ['propose_resolution', 'agent', 'resolution_proposed'],
      ['investigate', 'supervisor', 'under_investigation'],
      ['propose_resolution', 'agent', 'resolution_proposed'],
      ['communicate_resolution', 'agent', 'resolution_communicated'],
      ['customer_accepts', 'customer', 'closed'],
    ]);
  });

  it('a supervisor closes a duplicate straight from receipt, with a root cause and a summary', () => {
    walk([['close', 'supervisor', 'closed']], { rootCause: 'duplicate', resolutionSummary: 'Same complaint as the one filed an hour earlier.' });
  });
});

describe('casePositionFromLog', () => {
  const at = (hour: number) => new Date(Date.UTC(2026, 0, 10, hour));

  it('takes an empty log as received, and ignores responses', () => {
    expect(casePositionFromLog([])).toEqual({ state: 'received', escalatedFrom: null, waitingFrom: null });
    expect(casePositionFromLog([{ kind: 'transition', to: 'received', at: at(1) }, { kind: 'response', at: at(2) }]).state).toBe('received');
  });

  it('reads entries in time order, same-instant ones as logged, as the SLA clock does', () => {
    const log: CaseLogEntry[] = [
      { kind: 'transition', to: 'escalated', at: at(5) },
      { kind: 'transition', to: 'received', at: at(1) },
      { kind: 'transition', to: 'acknowledged', at: at(2) },
      { kind: 'transition', to: 'assessed', at: at(2) },
    ];
    expect(casePositionFromLog(log)).toEqual({ state: 'escalated', escalatedFrom: 'assessed', waitingFrom: null });
    expect(log[0]!.kind === 'transition' && log[0]!.to).toBe('escalated');
  });

  it('forgets a detour once the case has left it', () => {
    const { position } = walk([
      ['acknowledge', 'system', 'acknowledged'],
      ['escalate', 'agent', 'escalated'],
      ['resume', 'supervisor', 'acknowledged'],
    ]);
    expect(position).toEqual({ state: 'acknowledged', escalatedFrom: null, waitingFrom: null });
  });
});

describe('random walks (property)', () => {
  const step = fc.record({
    action: fc.constantFrom(...CASE_ACTIONS),
    actor: fc.constantFrom(...CASE_ACTORS),
    rootCause: fc.constantFrom(undefined, '', 'delivery'),
    resolutionSummary: fc.constantFrom(undefined, ' ', 'Refunded.'),
  });

  it('stays in known states, closes only with the data, leaves closed only by reopening, and agrees with allowedActions', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const log: CaseLogEntry[] = [{ kind: 'transition', to: 'received', at: new Date(0) }];
        for (const [i, { action, actor, ...data }] of steps.entries()) {
          const position = casePositionFromLog(log);
          const outcome = nextState(position.state, action, { actor, ...position, ...data });
          const offered = allowedActions(position.state, actor, position).includes(action);
          if (outcome.ok) {
            expect(COMPLAINT_STATES).toContain(outcome.to);
            expect(offered).toBe(true);
            if (position.state === 'closed') expect(action).toBe('reopen');
            if (outcome.to === 'closed') expect(data.rootCause === 'delivery' && data.resolutionSummary === 'Refunded.').toBe(true);
            log.push({ kind: 'transition', to: outcome.to, at: new Date(i + 1) });
            expect(casePositionFromLog(log).state).toBe(outcome.to);
          } else {
            // Only missing data refuses an action the screen offers.
            expect(offered).toBe(outcome.code === 'root_cause_required' || outcome.code === 'resolution_summary_required');
          }
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe('caseActorForRole', () => {
  it('makes managers, admins and owners supervisors, agents agents, and analysts readers only', () => {
    expect(caseActorForRole('agent')).toBe('agent');
    expect(caseActorForRole('manager')).toBe('supervisor');
    expect(caseActorForRole('admin')).toBe('supervisor');
    expect(caseActorForRole('owner')).toBe('supervisor');
    expect(caseActorForRole('analyst')).toBeNull();
  });
});

describe('caseStatusWords', () => {
  const LATIN = /[A-Za-z]/;
  const ARABIC_SCRIPT = /[\u0600-\u06FF]/;
  /** Letters Persian spells differently from Arabic: Arabic yeh, kaf and teh marbuta in Persian text are a keyboard slip. */
  const ARABIC_ONLY = /[\u064A\u0643\u0629]/;
  /** Persian-only letters (پ چ ژ گ, keheh, Farsi yeh, heh with yeh) in Arabic text. */
  const PERSIAN_ONLY = /[\u067E\u0686\u0698\u06AF\u06A9\u06CC\u06C0]/;

  it('says every state in plain words in each language, in that language’s own script and spelling', () => {
    for (const locale of ['fa', 'ar', 'en'] as const) {
      const titles = new Set<string>();
      for (const state of COMPLAINT_STATES) {
        const { title, detail } = caseStatusWords(state, locale);
        const where = `${state} in ${locale}`;
        expect(title.trim(), where).not.toBe('');
        expect(detail.trim(), where).not.toBe('');
        for (const text of [title, detail]) {
          if (locale === 'en') {
            expect(text, where).not.toMatch(ARABIC_SCRIPT);
          } else {
            expect(text, where).toMatch(ARABIC_SCRIPT);
            expect(text, where).not.toMatch(LATIN);
            expect(text, where).not.toMatch(locale === 'fa' ? ARABIC_ONLY : PERSIAN_ONLY);
          }
        }
        titles.add(title);
      }
      expect(titles.size, `${locale} titles are all different`).toBe(COMPLAINT_STATES.length);
    }
  });

  it('tells the customer waiting on them, and waiting for their answer, apart from the steps that are ours', () => {
    expect(caseStatusWords('waiting_for_customer', 'en').detail).toMatch(/information from you/);
    expect(caseStatusWords('resolution_communicated', 'fa').title).toBe('در انتظار پاسخ شما');
    expect(caseStatusWords('resolution_communicated', 'ar').title).toBe('بانتظار ردّك');
  });
});
