// /complaints/new: an agent records a complaint received by phone, chat, social media, in person
// or by e-mail: the channel, the customer (found, or an anonymous contact), what happened and what
// they want, and the team. Shows the tracking code to read out to the customer.
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Form, Link } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useFieldError, useT } from '../../i18n/useT.ts';
import { ApiError, type Customer } from '../../lib/api.ts';
import { localiseDigits } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { ArrowBack, Button, ButtonLink, CopyButton, Select, TextField, useToast } from '../../ui/index.ts';
import { CustomerPicker } from '../engagement/index.ts';
import { AGENT_CHANNELS, complaintsApi, SEVERITIES, type Channel, type ComplaintDetail, type NewComplaint, type Severity } from './api.ts';
import { phoneFromInput } from './complaint-format.ts';
import { assignable, useMembers } from './complaint-hooks.ts';
import { TrackingCode } from './complaint-parts.tsx';
import './complaints.css';

const NOBODY = 'nobody';
type Who = 'customer' | 'contact';

export default function ComplaintNewPage() {
  const t = useT();
  const [created, setCreated] = useState<ComplaintDetail | null>(null);
  return (
    <div className="page complaint-new">
      <Link href="/complaints" className="back-link"><ArrowBack />{t('complaints.back')}</Link>
      <header className="page-header"><h1>{t('complaints.newTitle')}</h1></header>
      {created ? <Created complaint={created} onAnother={() => setCreated(null)} /> : <IntakeForm onCreated={setCreated} />}
    </div>
  );
}

function Created({ complaint, onAnother }: { complaint: ComplaintDetail; onAnother: () => void }) {
  const t = useT();
  return (
    <section className="card receipt" aria-labelledby="nc-done" data-testid="complaint-created">
      <h2 id="nc-done">{t('complaints.createdTitle')}</h2>
      <p>{t('complaints.readCode')}</p>
      <p className="receipt-code"><TrackingCode code={complaint.trackingCode} /></p>
      <div className="form-actions">
        <CopyButton text={complaint.trackingCode} />
        <ButtonLink variant="primary" href={`/complaints/${complaint.id}`}>{t('complaints.openCase')}</ButtonLink>
        <Button onPress={onAnother}>{t('complaints.another')}</Button>
      </div>
    </section>
  );
}

function IntakeForm({ onCreated }: { onCreated: (c: ComplaintDetail) => void }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const { members } = useMembers();
  const [channel, setChannel] = useState<Channel>('phone');
  const [who, setWho] = useState<Who>('customer');
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [category, setCategory] = useState('');
  const [product, setProduct] = useState('');
  const [severity, setSeverity] = useState<Severity>('medium');
  const [impact, setImpact] = useState('');
  const [remedy, setRemedy] = useState('');
  const [description, setDescription] = useState('');
  const [team, setTeam] = useState('');
  const [assignee, setAssignee] = useState(NOBODY);
  const { error, pending, run, setError } = useSubmit();
  const fe = useFieldError(error);
  const trimmed = (v: string) => v.trim() || undefined;

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (who === 'customer' && !customer) {
      setError(new ApiError(400, { detail: t('complaints.pickCustomer'), errors: [{ field: 'customerId', code: 'required', message: t('complaints.pickCustomer') }] }));
      return;
    }
    const body: NewComplaint = {
      channel,
      ...(who === 'customer' && customer ? { customerId: customer.id } : {
        contactName: trimmed(name), contactPhone: trimmed(phoneFromInput(phone)), contactEmail: trimmed(email),
      }),
      language: customer?.language ?? prefs.language,
      category: trimmed(category),
      product: trimmed(product),
      severity,
      impact: trimmed(impact),
      remedySought: trimmed(remedy),
      description: description.trim(),
      team: trimmed(team),
      ...(assignee !== NOBODY ? { assigneeId: assignee } : {}),
    };
    await run(async () => {
      const created = await complaintsApi.open(body);
      void client.invalidateQueries({ queryKey: ['complaints', 'queue'] });
      toast(t('complaints.createdTitle'));
      onCreated(created);
    });
  };
  const placed = ['channel', 'customerId', 'contactName', 'contactPhone', 'contactEmail', 'category', 'product', 'severity', 'impact', 'remedySought', 'description', 'team', 'assigneeId'];
  return (
    <Form onSubmit={handleSubmit} className="form intake-form" validationBehavior="aria">
      {error && !placed.some((f) => f in error.fieldErrors) && <p className="form-error" role="alert">{error.message}</p>}
      <fieldset className="card intake-section">
        <legend>{t('complaints.intake.who')}</legend>
        <Select label={t('complaints.col.channel')} value={channel} onChange={setChannel} options={AGENT_CHANNELS.map((c) => ({ id: c, label: t(`complaints.channel.${c}`) }))} errorMessage={fe('channel')} />
        <Select
          label={t('complaints.intake.complainant')}
          value={who}
          onChange={setWho}
          options={[{ id: 'customer', label: t('complaints.intake.knownCustomer') }, { id: 'contact', label: t('complaints.intake.anonymousContact') }]}
        />
        {who === 'customer' ? (
          <div>
            <CustomerPicker label={t('complaints.intake.findCustomer')} value={customer} onChange={setCustomer} />
            {fe('customerId') && <p className="field-error" role="alert">{fe('customerId')}</p>}
          </div>
        ) : (
          <div className="intake-grid">
            <TextField label={t('customer.name')} value={name} onChange={setName} errorMessage={fe('contactName')} autoComplete="off" />
            <TextField
              label={t('customer.phone')}
              value={localiseDigits(phone, prefs.digits)}
              onChange={(v) => setPhone(phoneFromInput(v))}
              type="tel"
              inputMode="tel"
              dir="ltr"
              errorMessage={fe('contactPhone')}
            />
            <TextField label={t('customer.email')} value={email} onChange={setEmail} type="email" dir="ltr" errorMessage={fe('contactEmail')} />
          </div>
        )}
      </fieldset>
      <fieldset className="card intake-section">
        <legend>{t('complaints.intake.what')}</legend>
        <TextField label={t('complaints.description')} value={description} onChange={setDescription} multiline isRequired errorMessage={fe('description')} />
        <TextField label={t('complaints.remedySought')} value={remedy} onChange={setRemedy} multiline errorMessage={fe('remedySought')} description={t('complaints.remedyHelp')} />
        <div className="intake-grid">
          <TextField label={t('complaints.col.category')} value={category} onChange={setCategory} errorMessage={fe('category')} />
          <TextField label={t('complaints.product')} value={product} onChange={setProduct} errorMessage={fe('product')} />
          <Select label={t('complaints.col.severity')} value={severity} onChange={setSeverity} options={SEVERITIES.map((s) => ({ id: s, label: t(`complaints.severity.${s}`) }))} />
        </div>
        <TextField label={t('complaints.impact')} value={impact} onChange={setImpact} multiline errorMessage={fe('impact')} description={t('complaints.impactHelp')} />
      </fieldset>
      <fieldset className="card intake-section">
        <legend>{t('complaints.intake.handling')}</legend>
        <div className="intake-grid">
          <TextField label={t('complaints.col.team')} value={team} onChange={setTeam} errorMessage={fe('team')} />
          <Select
            label={t('complaints.col.assignee')}
            value={assignee}
            onChange={setAssignee}
            errorMessage={fe('assigneeId')}
            options={[{ id: NOBODY, label: t('complaints.assignLater') }, ...assignable(members).map((m) => ({ id: m.accountId, label: m.displayName }))]}
          />
        </div>
      </fieldset>
      <div className="form-actions">
        <Button type="submit" variant="primary" isPending={pending}>{t('complaints.record')}</Button>
      </div>
    </Form>
  );
}
