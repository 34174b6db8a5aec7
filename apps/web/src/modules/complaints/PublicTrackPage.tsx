// /c/:workspace/track: the customer follows their complaint with its code (typed in any digits)
// and the last 4 digits of their phone or their e-mail. Status in plain words, the history meant
// for them, and — when the server offers them — adding information, accepting or rejecting a
// proposed resolution (after a rejection, their next recourse), answering the satisfaction
// question after closure; information may bring photos or documents. A notice's link (`?code=…#token=…`) opens the case without typing: the
// token is the server's proof, read from the fragment once and taken out of the address.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Form, Link } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useFieldError, useT } from '../../i18n/useT.ts';
import { ApiError } from '../../lib/api.ts';
import { formatInstant, localiseDigits, toLatinDigits } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Button, Skeleton, TextField, UserText } from '../../ui/index.ts';
import { publicComplaintsApi, type CustomerCase, type Tracking } from './api.ts';
import { CaseSatisfaction } from './case-satisfaction.tsx';
import { typedTrackingCode } from './complaint-format.ts';
import { addCaseFiles } from './public-api.ts';
import { PublicFilePicker, filesProblem, useFileRefusal } from './public-files.tsx';
import { BigCode, PublicFrame } from './public-parts.tsx';

type Found = { kind: 'case'; view: CustomerCase } | { kind: 'status'; view: Tracking };
/** What proves the case on every request: the phone's last digits or the e-mail as typed, or the notice link's token. */
type Access = { code: string; verification: string } | { code: string; token: string };

/** The notice link's token (`#token=…`, the shape the server signs), or null. */
function linkToken(): string | null {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  return token && /^[A-Za-z0-9_-]{16,64}$/.test(token) ? token : null;
}

/** The fragment leaves the address (and so history, bookmarks and screenshots of the address bar); the router's state is kept. */
function forgetLinkToken(): void {
  if (!window.location.hash) return;
  window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
}

export default function PublicTrackPage({ workspace }: { workspace: string }) {
  const t = useT();
  const prefs = usePrefs();
  const [code, setCode] = useState(() => new URLSearchParams(window.location.search).get('code') ?? '');
  const [verification, setVerification] = useState('');
  const [found, setFound] = useState<Found | null>(null);
  const [access, setAccess] = useState<Access | null>(null);
  const { error, pending, run, setError } = useSubmit();
  const fe = useFieldError(error);
  // Read before the first paint; a token that does not open the case leaves the form, code filled in.
  const [fromLink, setFromLink] = useState(() => {
    const token = linkToken();
    const typed = typedTrackingCode(code);
    return token && typed.complete ? { code: typed.digits, token } : null;
  });
  const [linkFailed, setLinkFailed] = useState(false);
  const opened = useRef(false);
  useEffect(() => {
    forgetLinkToken();
    if (!fromLink || opened.current) return;
    opened.current = true;
    void (async () => {
      const ok = await run(async () => {
        const view = await publicComplaintsApi.case({ workspace, ...fromLink, language: prefs.language });
        if (!view) throw new Error('the case route is missing');
        setFound({ kind: 'case', view });
        setAccess(fromLink);
      });
      if (!ok) setLinkFailed(true);
      setFromLink(null);
    })();
  // Once, on arrival: the link's proof is used one time, then forgotten.
  }, []);

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const typed = typedTrackingCode(code);
    if (!typed.complete) {
      setError(new ApiError(422, { detail: t('complaintPublic.codeIncomplete'), errors: [{ field: 'code', code: 'invalid_tracking_code', message: t('complaintPublic.codeIncomplete') }] }));
      return;
    }
    const proof = toLatinDigits(verification.trim());
    setLinkFailed(false);
    await run(async () => {
      const body = { workspace, code: typed.digits, verification: proof, language: prefs.language };
      const view = await publicComplaintsApi.case(body);
      setFound(view ? { kind: 'case', view } : { kind: 'status', view: await publicComplaintsApi.track(body) });
      setAccess({ code: typed.digits, verification: proof });
    });
  };

  if (found && access) {
    return (
      <PublicFrame>
        <CaseStatus workspace={workspace} access={access} found={found} onChange={setFound} onBack={() => { setFound(null); setAccess(null); setLinkFailed(false); }} />
      </PublicFrame>
    );
  }
  if (fromLink) {
    return (
      <PublicFrame>
        <section className="public-card" aria-labelledby="pt-title" aria-busy="true">
          <h1 id="pt-title">{t('complaintPublic.trackTitle')}</h1>
          <Skeleton lines={4} label={t('complaintPublic.linkOpening')} />
        </section>
      </PublicFrame>
    );
  }
  const notFound = error?.status === 404;
  return (
    <PublicFrame>
      <section className="public-card" aria-labelledby="pt-title">
        <h1 id="pt-title">{t('complaintPublic.trackTitle')}</h1>
        <p className="muted">{t('complaintPublic.trackIntro')}</p>
        <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
          {linkFailed && <p className="form-error" role="alert" data-testid="link-failed">{error?.status === 429 ? t('complaintPublic.tooMany') : t('complaintPublic.linkFailed')}</p>}
          {error && !linkFailed && (notFound || !['code', 'verification'].some((f) => f in error.fieldErrors)) && (
            <p className="form-error" role="alert">{notFound ? t('complaintPublic.notFound') : error.status === 429 ? t('complaintPublic.tooMany') : error.message}</p>
          )}
          <TextField
            label={t('complaintPublic.code')}
            value={localiseDigits(code, prefs.digits)}
            onChange={(v) => setCode(toLatinDigits(v))}
            inputMode="numeric"
            dir="ltr"
            autoComplete="off"
            isRequired
            description={t('complaintPublic.codeWhere')}
            errorMessage={error?.fieldCodes.code ? t('complaintPublic.codeIncomplete') : undefined}
          />
          <TextField
            label={t('complaintPublic.verification')}
            value={/^[0-9]*$/.test(verification) ? localiseDigits(verification, prefs.digits) : verification}
            onChange={(v) => setVerification(toLatinDigits(v))}
            dir="ltr"
            autoComplete="off"
            isRequired
            description={t('complaintPublic.verificationHelp')}
            errorMessage={fe('verification')}
          />
          <Button type="submit" variant="primary" isPending={pending}>{t('complaintPublic.show')}</Button>
        </Form>
        <p><Link href={`/c/${workspace}/complaint`}>{t('complaintPublic.fileNew')}</Link></p>
      </section>
    </PublicFrame>
  );
}

function CaseStatus({ workspace, access, found, onChange, onBack }: {
  workspace: string; access: Access; found: Found; onChange: (f: Found) => void; onBack: () => void;
}) {
  const t = useT();
  const prefs = usePrefs();
  const view = found.view;
  const caseView = found.kind === 'case' ? found.view : null;
  const answerSatisfaction = async (score: number) => {
    const answered = await publicComplaintsApi.answerSatisfaction({ workspace, ...access, score, language: prefs.language });
    onChange({ kind: 'case', view: answered });
    return answered;
  };
  return (
    <section className="public-card" aria-labelledby="pt-status" data-testid="tracking-result">
      <h1 id="pt-status">{t('complaintPublic.statusTitle')}</h1>
      <BigCode code={view.trackingCode} />
      <div className="status-box" data-state={view.status.state}>
        <p className="status-title" data-testid="status-title">{view.status.title}</p>
        <p>{view.status.detail}</p>
      </div>
      {caseView?.satisfaction && <CaseSatisfaction view={caseView} onAnswer={answerSatisfaction} />}
      <dl className="facts">
        <dt>{t('complaintPublic.receivedAt')}</dt><dd><time dateTime={view.receivedAt}>{formatInstant(view.receivedAt, prefs)}</time></dd>
        <dt>{t('complaintPublic.updatedAt')}</dt><dd><time dateTime={view.updatedAt}>{formatInstant(view.updatedAt, prefs)}</time></dd>
      </dl>
      {caseView?.resolutionSummary && (
        <div className="resolution-box">
          <h2>{t('complaintPublic.resolution')}</h2>
          <p><UserText>{caseView.resolutionSummary}</UserText></p>
        </div>
      )}
      {caseView?.recourse && (
        <div className="recourse-box" role="note" data-testid="recourse">
          <h2>{t('complaintPublic.recourse')}</h2>
          <p><UserText>{caseView.recourse}</UserText></p>
        </div>
      )}
      {caseView && <CustomerActions workspace={workspace} access={access} view={caseView} onChange={(v) => onChange({ kind: 'case', view: v })} />}
      {caseView && caseView.history.length > 0 && (
        <>
          <h2>{t('complaintPublic.history')}</h2>
          <ol className="public-history">
            {[...caseView.history].reverse().map((entry, i) => (
              <li key={`${entry.at}-${i}`} className={`history-${entry.kind}`} data-kind={entry.kind}>
                <time className="muted" dateTime={entry.at}>{formatInstant(entry.at, prefs)}</time>
                {entry.kind === 'our_reply' ? (
                  // The company's words, as written: a heading of its own, then the text with its line breaks.
                  <>
                    <p className="history-from"><strong>{t('complaintPublic.weWrote')}</strong></p>
                    {/* dir=auto on the block: a Persian reply on an English page (or the reverse) is aligned and ordered as its own language. */}
                    <p className="history-text" dir="auto">{entry.text}</p>
                  </>
                ) : (
                  <>
                    <p>{entry.kind === 'your_message' ? <><strong>{entry.text ? t('complaintPublic.youWrote') : t('complaintPublic.youSentFiles')}</strong> <UserText>{entry.text}</UserText></> : entry.text}</p>
                    {entry.files && entry.files.length > 0 && (
                      <ul className="history-files" aria-label={t('complaintPublic.yourFiles')}>
                        {entry.files.map((name, j) => <li key={j}><UserText>{name}</UserText></li>)}
                      </ul>
                    )}
                  </>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
      <p><Button variant="ghost" onPress={onBack}>{t('complaintPublic.anotherCode')}</Button></p>
    </section>
  );
}

function CustomerActions({ workspace, access, view, onChange }: {
  workspace: string; access: Access; view: CustomerCase; onChange: (v: CustomerCase) => void;
}) {
  const t = useT();
  const prefs = usePrefs();
  const [message, setMessage] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [reason, setReason] = useState('');
  const [rejecting, setRejecting] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const { error, pending, run, setError } = useSubmit();
  const fe = useFieldError(error);
  const base = { workspace, ...access, language: prefs.language };
  const act = (work: () => Promise<CustomerCase>, said: string) => run(async () => {
    onChange(await work());
    setDone(said);
    setMessage('');
    setFiles([]);
    setReason('');
    setRejecting(false);
  });
  const can = (a: CustomerCase['actions'][number]) => view.actions.includes(a);
  const fileError = useFileRefusal(error, files);
  const handleAddInformation = (e: FormEvent) => {
    e.preventDefault();
    if (filesProblem(files)) return;
    const text = message.trim();
    void act(() => (files.length > 0
      ? addCaseFiles({ ...base, ...(text ? { message: text } : {}) }, files)
      : publicComplaintsApi.addInformation({ ...base, message: text })), t('complaintPublic.added'));
  };
  return (
    <div className="customer-actions">
      {done && <p className="notice" role="status">{done}</p>}
      {error && !fileError && !['message', 'reason'].some((f) => f in error.fieldErrors) && <p className="form-error" role="alert">{error.message}</p>}
      {(can('accept_resolution') || can('reject_resolution')) && (
        <div className="decision">
          <h2>{t('complaintPublic.decide')}</h2>
          {!rejecting ? (
            <div className="form-actions">
              {can('accept_resolution') && (
                <Button variant="primary" isPending={pending} onPress={() => void act(() => publicComplaintsApi.accept(base), t('complaintPublic.accepted'))}>{t('complaintPublic.accept')}</Button>
              )}
              {can('reject_resolution') && <Button onPress={() => setRejecting(true)}>{t('complaintPublic.reject')}</Button>}
            </div>
          ) : (
            <Form className="form" validationBehavior="aria" onSubmit={(e: FormEvent) => { e.preventDefault(); void act(() => publicComplaintsApi.reject({ ...base, reason: reason.trim() }), t('complaintPublic.rejected')); }}>
              <TextField label={t('complaintPublic.rejectWhy')} value={reason} onChange={setReason} multiline isRequired errorMessage={fe('reason')} />
              <div className="form-actions">
                <Button type="submit" variant="danger" isPending={pending}>{t('complaintPublic.reject')}</Button>
                <Button onPress={() => setRejecting(false)}>{t('common.cancel')}</Button>
              </div>
            </Form>
          )}
        </div>
      )}
      {can('add_information') && (
        <Form className="form" validationBehavior="aria" onSubmit={handleAddInformation}>
          <h2>{t('complaintPublic.addInfo')}</h2>
          <TextField label={t('complaintPublic.addInfoLabel')} value={message} onChange={setMessage} multiline isRequired={files.length === 0} errorMessage={fe('message')} />
          <PublicFilePicker files={files} onChange={(next) => { setFiles(next); if (fileError) setError(null); }} serverError={fileError} />
          <div className="form-actions"><Button type="submit" isPending={pending}>{t('complaintPublic.sendInfo')}</Button></div>
        </Form>
      )}
    </div>
  );
}
