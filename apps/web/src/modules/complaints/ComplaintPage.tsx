// /complaints/:id: one case. Header (code, state, severity, channel, assignee), the actions its
// state allows now (with the fields each needs), assignment, SLA clocks, what the customer said,
// the customer's context and the append-only log as a timeline.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Form, Link } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useSession } from '../../app/session.ts';
import { useFieldError, useKnownKey, useT } from '../../i18n/useT.ts';
import { api, ApiError } from '../../lib/api.ts';
import { formatInstant, localiseDigits } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { ArrowBack, Badge, Button, Dialog, ErrorState, Select, Skeleton, TextField, UserText, useToast } from '../../ui/index.ts';
import { CustomerFollowups } from '../engagement/index.ts';
import { SURVEY_KINDS, SurveyTimelineDetail } from '../surveys/index.ts';
import { SurveyLoopCard } from '../surveys/index.ts';
import { complaintsApi, type Action, type ComplaintDetail, type Sla } from './api.ts';
import { formatBusinessMinutes, remainingNow } from './complaint-format.ts';
import { CaseComposer } from './case-composer.tsx';
import { CaseThread } from './case-thread.tsx';
import { CaseLoyaltyCard } from './case-loyalty.tsx';
import { CaseSurveyOrigin } from './case-survey-origin.tsx';
import { assignable, useMembers, useRootCauses } from './complaint-hooks.ts';
import { canManageComplaints, canWorkComplaints, ChannelName, SeverityBadge, SlaTimer, StateBadge, TrackingCode, useNow } from './complaint-parts.tsx';
import './complaints.css';

type Detail = ComplaintDetail & { sla?: Sla };

export default function ComplaintPage({ id }: { id: string }) {
  const t = useT();
  const prefs = usePrefs();
  const session = useSession();
  const { nameOf } = useMembers();
  const complaint = useQuery({ queryKey: ['complaints', 'detail', id], queryFn: () => complaintsApi.complaint(id) });
  const back = <Link href="/complaints" className="back-link"><ArrowBack />{t('complaints.back')}</Link>;
  if (complaint.isPending) return <div className="page">{back}<h1 className="visually-hidden">{t('complaints.case')}</h1><Skeleton lines={10} /></div>;
  if (complaint.isError) {
    const gone = complaint.error instanceof ApiError && complaint.error.status === 404;
    return (
      <div className="page">
        {back}
        <h1>{t('complaints.case')}</h1>
        <ErrorState detail={gone ? t('complaints.notFound') : complaint.error.message} onRetry={gone ? undefined : () => void complaint.refetch()} />
      </div>
    );
  }
  const c = complaint.data;
  return (
    <div className="page complaint-page">
      {back}
      <header className="page-header complaint-header">
        <div>
          <h1>
            {t('complaints.case')} <TrackingCode code={c.trackingCode} className="heading-code" />
          </h1>
          <p className="header-badges" data-testid="complaint-state">
            <StateBadge state={c.state} />
            <SeverityBadge severity={c.severity} />
          </p>
        </div>
      </header>
      <div className="complaint-layout">
        <div className="complaint-col">
          {canWorkComplaints(session.role) && c.allowedActions.length > 0 && <ActionsCard complaint={c} />}
          <section className="card" aria-labelledby="cc-said">
            <h2 id="cc-said">{t('complaints.whatTheySaid')}</h2>
            <p className="complaint-text"><UserText>{c.description}</UserText></p>
            <dl className="facts">
              {c.remedySought && <><dt>{t('complaints.remedySought')}</dt><dd><UserText>{c.remedySought}</UserText></dd></>}
              {c.impact && <><dt>{t('complaints.impact')}</dt><dd><UserText>{c.impact}</UserText></dd></>}
              {c.rootCause && <><dt>{t('complaints.rootCauseLabel')}</dt><dd><RootCauseName code={c.rootCause} /></dd></>}
              {c.resolutionSummary && <><dt>{t('complaints.resolutionSummary')}</dt><dd><UserText>{c.resolutionSummary}</UserText></dd></>}
            </dl>
          </section>
          <CaseSurveyOrigin complaint={c} />
          <CaseThread complaint={c} canWork={canWorkComplaints(session.role)} canMerge={canManageComplaints(session.role)} />
          {canWorkComplaints(session.role) && <CaseComposer complaint={c} />}
          <section className="card" aria-labelledby="cc-log">
            <h2 id="cc-log">{t('complaints.log')}</h2>
            <CaseLog complaint={c} />
          </section>
        </div>
        <div className="complaint-col">
          <section className="card" aria-labelledby="cc-facts">
            <h2 id="cc-facts">{t('complaints.details')}</h2>
            <dl className="facts">
              <dt>{t('complaints.col.code')}</dt><dd><TrackingCode code={c.trackingCode} /></dd>
              <dt>{t('complaints.col.state')}</dt><dd><StateBadge state={c.state} /></dd>
              <dt>{t('complaints.col.channel')}</dt><dd><ChannelName channel={c.channel} /></dd>
              <dt>{t('complaints.col.category')}</dt><dd>{c.category ? <UserText>{c.category}</UserText> : t('common.none')}</dd>
              <dt>{t('complaints.product')}</dt><dd>{c.product ? <UserText>{c.product}</UserText> : t('common.none')}</dd>
              <dt>{t('complaints.col.assignee')}</dt><dd>{c.assigneeId ? <UserText>{nameOf(c.assigneeId)}</UserText> : t('complaints.unassigned')}</dd>
              <dt>{t('complaints.col.team')}</dt><dd>{c.team ? <UserText>{c.team}</UserText> : t('common.none')}</dd>
              <dt>{t('complaints.col.received')}</dt><dd><time dateTime={c.receivedAt}>{formatInstant(c.receivedAt, prefs)}</time></dd>
              {c.closedAt && <><dt>{t('complaints.closedAt')}</dt><dd><time dateTime={c.closedAt}>{formatInstant(c.closedAt, prefs)}</time></dd></>}
            </dl>
          </section>
          <SlaCard complaint={c} />
          {canManageComplaints(session.role) && c.state !== 'closed' && <AssignCard complaint={c} />}
          <CustomerCard complaint={c} />
          <CaseLoyaltyCard complaint={c} />
          <SurveyLoopCard caseId={c.id} responseId={c.relatedResponseId ?? undefined} />
        </div>
      </div>
    </div>
  );
}

function RootCauseName({ code }: { code: string }) {
  const { labelOf } = useRootCauses();
  return <>{labelOf(code)}</>;
}

/** The fields each action asks for; a root cause or a summary already on the case is offered again. */
function fieldsOf(action: Action): { rootCause: boolean; summary: boolean } {
  const closing = action === 'close' || action === 'communicate_resolution' || action === 'customer_accepts';
  return { rootCause: closing, summary: closing || action === 'propose_resolution' };
}

const PRIMARY_ORDER: Action[] = ['acknowledge', 'assess', 'investigate', 'propose_resolution', 'communicate_resolution', 'close', 'customer_accepts', 'resume', 'customer_replied', 'reopen'];

function ActionsCard({ complaint }: { complaint: Detail }) {
  const t = useT();
  const [open, setOpen] = useState<Action | null>(null);
  const actions = [...complaint.allowedActions].sort((a, b) => rank(a) - rank(b));
  const primary = actions[0];
  return (
    <section className="card" aria-labelledby="cc-actions">
      <h2 id="cc-actions">{t('complaints.nextSteps')}</h2>
      <div className="case-actions">
        {actions.map((action) => (
          <Button key={action} variant={action === primary ? 'primary' : 'secondary'} onPress={() => setOpen(action)} data-action={action}>
            {t(`complaints.action.${action}`)}
          </Button>
        ))}
      </div>
      <Dialog title={open ? t(`complaints.action.${open}`) : ''} isOpen={open !== null} onOpenChange={(isOpen) => { if (!isOpen) setOpen(null); }}>
        {(close) => (open ? <ActionForm complaint={complaint} action={open} onDone={close} /> : null)}
      </Dialog>
    </section>
  );
}

function rank(action: Action): number {
  const i = PRIMARY_ORDER.indexOf(action);
  return i === -1 ? 100 : i;
}

function ActionForm({ complaint, action, onDone }: { complaint: Detail; action: Action; onDone: () => void }) {
  const t = useT();
  const toast = useToast();
  const client = useQueryClient();
  const roots = useRootCauses();
  const needs = fieldsOf(action);
  const [note, setNote] = useState('');
  const [rootCause, setRootCause] = useState<string | null>(complaint.rootCause);
  const [summary, setSummary] = useState(complaint.resolutionSummary ?? '');
  const { error, pending, run } = useSubmit();
  const fe = useFieldError(error);
  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      const updated = await complaintsApi.act(complaint.id, {
        action,
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(needs.rootCause && rootCause ? { rootCause } : {}),
        ...(needs.summary && summary.trim() ? { resolutionSummary: summary.trim() } : {}),
      });
      client.setQueryData(['complaints', 'detail', complaint.id], (old: Detail | undefined) => ({ ...old, ...updated }));
      void client.invalidateQueries({ queryKey: ['complaints', 'detail', complaint.id] });
      void client.invalidateQueries({ queryKey: ['complaints', 'queue'] });
      toast(t('complaints.stepTaken', { state: t(`complaints.state.${updated.state}`) }));
      onDone();
    });
  };
  const placed = ['note', 'rootCause', 'resolutionSummary'];
  // The server names what is missing by code: show it under the field it belongs to.
  const rootError = fe('rootCause') ?? (error?.code === 'root_cause_required' ? error.message : undefined);
  const summaryError = fe('resolutionSummary') ?? (error?.code === 'resolution_summary_required' ? error.message : undefined);
  const unplaced = error && !placed.some((f) => f in error.fieldErrors) && !['root_cause_required', 'resolution_summary_required'].includes(error.code);
  return (
    <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
      <p className="muted">{t(`complaints.actionHelp.${action}`)}</p>
      {unplaced && <p className="form-error" role="alert">{error.message}</p>}
      {needs.rootCause && (
        <Select label={t('complaints.rootCauseLabel')} value={rootCause} onChange={setRootCause} options={roots.options} errorMessage={rootError} isRequired />
      )}
      {needs.summary && (
        <TextField label={t('complaints.resolutionSummary')} value={summary} onChange={setSummary} multiline isRequired errorMessage={summaryError} description={t('complaints.resolutionSummaryHelp')} />
      )}
      <TextField label={t('complaints.note')} value={note} onChange={setNote} multiline errorMessage={fe('note')} />
      <div className="form-actions">
        <Button type="submit" variant="primary" isPending={pending}>{t(`complaints.action.${action}`)}</Button>
        <Button onPress={onDone}>{t('common.cancel')}</Button>
      </div>
    </Form>
  );
}

const NOBODY = 'nobody';

function AssignCard({ complaint }: { complaint: Detail }) {
  const t = useT();
  const toast = useToast();
  const client = useQueryClient();
  const { members } = useMembers();
  const teams = useQuery({ queryKey: ['complaints', 'teams'], queryFn: complaintsApi.teams, staleTime: 300_000 });
  const [assignee, setAssignee] = useState(complaint.assigneeId ?? NOBODY);
  const [team, setTeam] = useState(complaint.team ?? '');
  const { error, pending, run } = useSubmit();
  const fe = useFieldError(error);
  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const nextAssignee = assignee === NOBODY ? null : assignee;
    const nextTeam = team.trim() || null;
    const patch = {
      ...(nextAssignee !== complaint.assigneeId ? { assigneeId: nextAssignee } : {}),
      ...(nextTeam !== complaint.team ? { team: nextTeam } : {}),
    };
    if (Object.keys(patch).length === 0) return;
    await run(async () => {
      const updated = await complaintsApi.assign(complaint.id, patch);
      client.setQueryData(['complaints', 'detail', complaint.id], (old: Detail | undefined) => ({ ...old, ...updated }));
      void client.invalidateQueries({ queryKey: ['complaints', 'queue'] });
      toast(t('complaints.assigned'));
    });
  };
  const people = assignable(members);
  const options = [{ id: NOBODY, label: t('complaints.unassigned') }, ...people.map((m) => ({ id: m.accountId, label: m.displayName }))];
  if (complaint.assigneeId && !people.some((m) => m.accountId === complaint.assigneeId)) options.push({ id: complaint.assigneeId, label: t('complaints.formerMember') });
  const teamItems = teams.data?.items;
  return (
    <section className="card" aria-labelledby="cc-assign">
      <h2 id="cc-assign">{t('complaints.assignment')}</h2>
      <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
        {error && !['assigneeId', 'team'].some((f) => f in error.fieldErrors) && <p className="form-error" role="alert">{error.message}</p>}
        <Select label={t('complaints.col.assignee')} value={assignee} onChange={setAssignee} options={options} errorMessage={fe('assigneeId')} />
        {teamItems ? (
          <Select
            label={t('complaints.col.team')}
            value={team || NOBODY}
            onChange={(v) => setTeam(v === NOBODY ? '' : v)}
            options={[{ id: NOBODY, label: t('complaints.noTeam') }, ...teamItems.map((tm) => ({ id: tm.key, label: tm.name }))]}
            errorMessage={fe('team')}
          />
        ) : (
          <TextField label={t('complaints.col.team')} value={team} onChange={setTeam} errorMessage={fe('team')} />
        )}
        <div className="form-actions"><Button type="submit" variant="primary" isPending={pending}>{t('complaints.assign')}</Button></div>
      </Form>
    </section>
  );
}

/** The case's clocks, one per target, when the server measures them. */
function SlaCard({ complaint }: { complaint: Detail }) {
  const t = useT();
  const prefs = usePrefs();
  const now = useNow();
  const fetched = useQuery({
    queryKey: ['complaints', 'sla', complaint.id, complaint.updatedAt],
    queryFn: () => complaintsApi.sla(complaint.id),
    enabled: !complaint.sla,
    refetchInterval: 60_000,
  });
  const sla = complaint.sla ?? fetched.data ?? null;
  if (!sla) return null;
  return (
    <section className="card" aria-labelledby="cc-sla">
      <h2 id="cc-sla">{t('complaints.slaTitle')}</h2>
      <SlaTimer sla={sla} now={now} />
      {sla.policyName && (
        <p className="muted">
          {t('complaints.slaPolicyLabel')}{' '}
          {/* The server's stock policy is named 'Default' until someone renames it: said in the reader's language (as in the settings). */}
          {sla.policyName === 'Default' ? t('complaints.settings.policy.default') : <UserText>{sla.policyName}</UserText>}
        </p>
      )}
      <dl className="facts sla-targets">
        {(['acknowledge', 'firstResponse', 'resolve'] as const).map((target) => {
          const clock = sla.targets[target];
          if (clock.state === 'none') return null;
          const left = clock.remainingMinutes === null ? null : remainingNow(clock.remainingMinutes, sla.evaluatedAt, sla.ticking && clock.state === 'running', now);
          return (
            <div key={target} className="sla-target" data-testid={`sla-${target}`}>
              <dt>{t(`complaints.slaTarget.${target}`)}</dt>
              <dd>
                <span className={`sla-clock sla-clock-${clock.state}`}>{t(`complaints.slaClock.${clock.state}`)}</span>
                {left !== null && (clock.state === 'running' || clock.state === 'paused') && (
                  <span> · {left < 0 ? t('complaints.sla.overBy', { time: formatBusinessMinutes(-left, prefs) }) : t('complaints.sla.left', { time: formatBusinessMinutes(left, prefs) })}</span>
                )}
                {clock.dueAt && <span className="muted sla-due"> · {t('complaints.slaDue', { when: formatInstant(clock.dueAt, prefs) })}</span>}
              </dd>
            </div>
          );
        })}
      </dl>
    </section>
  );
}

/** Who complained: the linked customer (their page, recent timeline, survey answers, follow-ups) or the contact given. */
function CustomerCard({ complaint }: { complaint: Detail }) {
  const t = useT();
  const prefs = usePrefs();
  const known = useKnownKey();
  const customerId = complaint.customerId;
  const customer = useQuery({ queryKey: ['customer', customerId], queryFn: () => api.customer(customerId!), enabled: Boolean(customerId) });
  const timeline = useQuery({ queryKey: ['timeline', customerId, 'recent'], queryFn: () => api.timeline(customerId!), enabled: Boolean(customerId) });
  const contact = complaint.contact;
  return (
    <>
      <section className="card" aria-labelledby="cc-customer">
        <h2 id="cc-customer">{t('complaints.complainant')}</h2>
        <dl className="facts">
          <dt>{t('customer.name')}</dt>
          <dd>
            {customerId ? (
              <Link href={`/customers/${customerId}`}><UserText>{customer.data?.name ?? contact.name ?? t('complaints.linkedCustomer')}</UserText></Link>
            ) : contact.name ? <UserText>{contact.name}</UserText> : t('complaints.anonymous')}
          </dd>
          {(customer.data?.phone ?? contact.phone) && (
            <><dt>{t('customer.phone')}</dt><dd><a href={`tel:${customer.data?.phone ?? contact.phone}`}><bdi dir="ltr">{localiseDigits((customer.data?.phone ?? contact.phone)!, prefs.digits)}</bdi></a></dd></>
          )}
          {(customer.data?.email ?? contact.email) && (
            <><dt>{t('customer.email')}</dt><dd><UserText ltr>{(customer.data?.email ?? contact.email)!}</UserText></dd></>
          )}
          {complaint.language && <><dt>{t('customer.language')}</dt><dd>{t(`language.${complaint.language}`)}</dd></>}
        </dl>
        {customerId && <p><Link href={`/customers/${customerId}`}>{t('complaints.openCustomer')}</Link></p>}
        {customerId && (
          <>
            <h3 className="subhead">{t('complaints.recentActivity')}</h3>
            {timeline.isPending ? <Skeleton lines={3} /> : timeline.isError ? <ErrorState detail={timeline.error.message} onRetry={() => void timeline.refetch()} /> : timeline.data.items.length === 0 ? (
              <p className="muted">{t('complaints.noActivity')}</p>
            ) : (
              <ol className="recent-activity" data-testid="customer-activity">
                {timeline.data.items.slice(0, 8).map((item) => {
                  const key = `timeline.kind.${item.kind}`;
                  return (
                    <li key={item.id}>
                      <div className="recent-head">
                        <strong>{known(key) ? t(key) : t('timeline.kind.other')}</strong>
                        <time className="muted" dateTime={item.occurredAt}>{formatInstant(item.occurredAt, prefs)}</time>
                      </div>
                      {SURVEY_KINDS.includes(item.kind) && <SurveyTimelineDetail item={item} />}
                    </li>
                  );
                })}
              </ol>
            )}
          </>
        )}
      </section>
      {customerId && <CustomerFollowups customerId={customerId} canCreate={false} />}
    </>
  );
}

/**
 * The append-only log, oldest first: each step with who, when, the states it moved between and its
 * note. A staff reply says it went to the customer; an internal note says it did not.
 */
function CaseLog({ complaint }: { complaint: Detail }) {
  const t = useT();
  const prefs = usePrefs();
  const known = useKnownKey();
  const { nameOf } = useMembers();
  const roots = useRootCauses();
  return (
    <ol className="case-log" data-testid="case-log">
      {complaint.events.map((e) => {
        const actionKey = `complaints.event.${e.action ?? e.kind}`;
        const who = e.actorType === 'customer' ? t('complaints.actor.customer') : e.actorType === 'system' ? t('complaints.actor.system')
          : e.actorId?.startsWith('user:') ? nameOf(e.actorId) : t('complaints.actor.integration');
        const details = e.details as { rootCause?: string; resolutionSummary?: string; assigneeTo?: string | null; teamTo?: string | null };
        const staffReply = e.kind === 'response' && e.action === 'reply';
        // Other 'note' lines (assignment, files, merge) are bookkeeping; only a written note is marked internal.
        const internalNote = e.kind === 'note' && e.action === 'note';
        const tone = staffReply ? ' case-event-reply' : internalNote ? ' case-event-internal' : '';
        return (
          <li key={e.id} className={`case-event case-event-${e.kind}${tone}`} data-event={e.action ?? e.kind}>
            <div className="case-event-head">
              <strong>{known(actionKey) ? t(actionKey) : t(`complaints.kind.${e.kind}`)}</strong>
              {e.toState && <StateBadge state={e.toState} />}
              {staffReply && <Badge tone="info">{t('complaints.sentToCustomer')}</Badge>}
              {internalNote && <Badge tone="warn">{t('complaints.internalOnly')}</Badge>}
              <span className="muted">{who && <UserText>{who}</UserText>}</span>
              <time className="muted" dateTime={e.at}>{formatInstant(e.at, prefs)}</time>
            </div>
            {e.action === 'assign' && (
              <p className="case-event-detail">
                {'assigneeTo' in details && t('complaints.assignedTo', { name: details.assigneeTo ? nameOf(details.assigneeTo) ?? '' : t('complaints.unassigned') })}
                {'teamTo' in details && ` ${t('complaints.teamSet', { team: details.teamTo ?? t('complaints.noTeam') })}`}
              </p>
            )}
            {details.rootCause && <p className="case-event-detail">{t('complaints.rootCauseLabel')}: {roots.labelOf(details.rootCause)}</p>}
            {details.resolutionSummary && <p className="case-event-detail">{t('complaints.resolutionSummary')}: <UserText>{details.resolutionSummary}</UserText></p>}
            {/* dir=auto on the block, not an inline bdi: text in another script than the page keeps its own alignment, line by line. */}
            {e.note && <p className="case-event-note" dir="auto">{e.note}</p>}
          </li>
        );
      })}
    </ol>
  );
}

