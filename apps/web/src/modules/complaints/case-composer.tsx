// The case page's composer: a reply to the complainant (sent to them and shown on their tracking
// page) or an internal note (staff only). The two are separate tabs with separate drafts, and the
// note is tinted, so nobody sends the customer what was meant for colleagues. A closed case takes
// notes only: a reply to it would be an answer nobody tracks (reopen it first).
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Form, Tab, TabList, TabPanel, Tabs, type Key } from 'react-aria-components';
import { useFieldError, useT } from '../../i18n/useT.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Button, MailIcon, ShieldIcon, TextField } from '../../ui/index.ts';
import { complaintsApi, newIdempotencyKey, type ComplaintDetail } from './api.ts';

type Mode = 'reply' | 'note';
const MODES: Mode[] = ['reply', 'note'];

export function CaseComposer({ complaint }: { complaint: ComplaintDetail }) {
  const t = useT();
  const closed = complaint.state === 'closed';
  const [mode, setMode] = useState<Mode>(closed ? 'note' : 'reply');
  const [drafts, setDrafts] = useState<Record<Mode, string>>({ reply: '', note: '' });
  const [result, setResult] = useState('');
  return (
    <section className="card composer" aria-labelledby="cc-compose" data-testid="case-composer">
      <h2 id="cc-compose">{t('complaints.composer.title')}</h2>
      <Tabs className="composer-tabs" selectedKey={mode} onSelectionChange={(key: Key) => { setMode(key as Mode); setResult(''); }}>
        <TabList className="composer-modes" aria-label={t('complaints.composer.modes')}>
          {MODES.map((m) => (
            <Tab key={m} id={m} className={`composer-mode composer-mode-${m}`}>
              {m === 'reply' ? <MailIcon /> : <ShieldIcon />}
              <span>{t(`complaints.composer.${m}`)}</span>
            </Tab>
          ))}
        </TabList>
        <TabPanel id="reply" className="composer-panel composer-panel-reply">
          {closed ? (
            <p className="composer-closed" data-testid="reply-closed">{t('complaints.composer.replyClosed')}</p>
          ) : (
            <ComposerForm complaint={complaint} mode="reply" draft={drafts.reply} onDraft={(v) => { setDrafts((d) => ({ ...d, reply: v })); setResult(''); }} onDone={setResult} />
          )}
        </TabPanel>
        <TabPanel id="note" className="composer-panel composer-panel-note">
          <ComposerForm complaint={complaint} mode="note" draft={drafts.note} onDraft={(v) => { setDrafts((d) => ({ ...d, note: v })); setResult(''); }} onDone={setResult} />
        </TabPanel>
      </Tabs>
      {/* Always present, so the outcome of a send is announced when it is written here. */}
      <p className="composer-result" role="status" aria-live="polite" data-testid="composer-result">{result}</p>
    </section>
  );
}

/**
 * The Idempotency-Key of the last text sent from each case's composer, kept outside the form (a tab
 * switch unmounts it): the same text again is the same write, an edited text a new one.
 */
const attempts = new Map<string, { text: string; key: string }>();
function keyFor(scope: string, text: string): string {
  const last = attempts.get(scope);
  if (last?.text === text) return last.key;
  const key = newIdempotencyKey();
  attempts.set(scope, { text, key });
  return key;
}

function ComposerForm({ complaint, mode, draft, onDraft, onDone }: {
  complaint: ComplaintDetail; mode: Mode; draft: string; onDraft: (text: string) => void; onDone: (said: string) => void;
}) {
  const t = useT();
  const client = useQueryClient();
  const { error, pending, run, setError } = useSubmit();
  const fe = useFieldError(error);
  const [blank, setBlank] = useState(false);
  const scope = `${complaint.id}:${mode}`;
  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const text = draft.trim();
    setBlank(!text);
    if (!text) return;
    // Same text, same key: a double press or a retry after a lost answer is replayed, not sent twice.
    const key = keyFor(scope, text);
    const done = await run(async () => {
      try {
        const updated = mode === 'reply'
          ? await complaintsApi.reply(complaint.id, { text }, key)
          : await complaintsApi.note(complaint.id, { text }, key);
        attempts.delete(scope);
        client.setQueryData(['complaints', 'detail', complaint.id], (old: ComplaintDetail | undefined) => ({ ...old, ...updated }));
      } finally {
        // After a success, and after a refusal too (the case was closed meanwhile), the page should show the case as it is.
        void client.invalidateQueries({ queryKey: ['complaints', 'detail', complaint.id] });
      }
    });
    if (done) {
      onDraft('');
      onDone(t(mode === 'reply' ? 'complaints.composer.replySent' : 'complaints.composer.noteSaved'));
      if (mode === 'reply') void client.invalidateQueries({ queryKey: ['complaints', 'queue'] });
    }
  };
  return (
    <Form onSubmit={handleSubmit} className="form composer-form" validationBehavior="aria">
      {error && !('text' in error.fieldErrors) && <p className="form-error" role="alert">{error.message}</p>}
      <TextField
        label={t(mode === 'reply' ? 'complaints.composer.replyLabel' : 'complaints.composer.noteLabel')}
        description={t(mode === 'reply' ? 'complaints.composer.replyHelp' : 'complaints.composer.noteHelp')}
        value={draft}
        onChange={(v) => { onDraft(v); setBlank(false); if (error) setError(null); }}
        multiline
        isRequired
        errorMessage={blank ? t('complaints.composer.empty') : fe('text')}
      />
      <div className="form-actions">
        <Button type="submit" variant={mode === 'reply' ? 'primary' : 'secondary'} isPending={pending}>
          {t(mode === 'reply' ? 'complaints.composer.sendReply' : 'complaints.composer.saveNote')}
        </Button>
      </div>
    </Form>
  );
}
