import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Form } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useSession } from '../../app/session.ts';
import { useFieldError, useT } from '../../i18n/useT.ts';
import type { ApiError } from '../../lib/api.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import {
  engagementApi, type EmailChannel, type EmailSettings, type NewEndpoint, type Policy, type SmsChannel, type SmsSettings, type TestResult,
} from './api.ts';
import { localiseDigits, toLatinDigits } from '../../lib/format.ts';
import { canManageMessaging } from './engagement-roles.ts';
import { useReasonText } from './message-parts.tsx';
import './engagement.css';
import { Badge, Button, Checkbox, ConfirmDialog, CopyButton, Dialog, ErrorState, Select, Skeleton, Switch, TextField, TrashIcon, UserText, useToast } from '../../ui/index.ts';
import { TimeField } from '../../ui/time-field.tsx';

export default function MessagingSettingsPage() {
  const t = useT();
  const session = useSession();
  const allowed = canManageMessaging(session.role);
  return (
    <div className="page page-narrow">
      <header className="page-header"><h1>{t('messaging.title')}</h1></header>
      {!allowed ? <p className="notice" role="status">{t('messaging.adminOnly')}</p> : (
        <div className="settings-stack">
          <ChannelCard channel="email" fetch={engagementApi.emailChannel} form={(settings) => <EmailForm channel={settings} />} />
          <ChannelCard channel="sms" fetch={engagementApi.smsChannel} form={(settings) => <SmsForm channel={settings} />} />
          <WebhooksCard />
          <PolicyCard />
        </div>
      )}
    </div>
  );
}

/** The part of an error no field shows (so nothing goes unsaid). */
function Unplaced({ error, fields }: { error: ApiError | null; fields: string[] }) {
  if (!error || Object.keys(error.fieldErrors).some((f) => fields.includes(f))) return null;
  return <p className="form-error span-all" role="alert">{error.message}</p>;
}

function ChannelState({ configured, enabled }: { configured: boolean; enabled: boolean }) {
  const t = useT();
  if (!configured) return <Badge>{t('messaging.notConfigured')}</Badge>;
  return enabled ? <Badge tone="good">{t('messaging.configured')}</Badge> : <Badge tone="warn">{t('messaging.disabled')}</Badge>;
}

function Loading({ query, children }: { query: { isPending: boolean; isError: boolean; error: Error | null; refetch: () => unknown }; children: () => ReactNode }) {
  if (query.isPending) return <Skeleton lines={5} />;
  if (query.isError) return <ErrorState detail={query.error?.message} onRetry={() => void query.refetch()} />;
  return <>{children()}</>;
}

const numberText = (value: string, digits: Parameters<typeof localiseDigits>[1]) => localiseDigits(value, digits);

// ---- e-mail ----

/** A channel's card: its heading and state, and its form once the settings are loaded. */
function ChannelCard<C extends { configured: boolean; enabled: boolean }>({ channel, fetch, form }: {
  channel: 'email' | 'sms';
  fetch: () => Promise<C>;
  form: (settings: C) => ReactNode;
}) {
  const t = useT();
  const settings = useQuery({ queryKey: ['messaging', channel], queryFn: fetch });
  return (
    <section className="card" aria-labelledby={`${channel}-heading`}>
      <div className="card-head">
        <h2 id={`${channel}-heading`}>{t(`messaging.${channel}`)}</h2>
        {settings.data && <ChannelState configured={settings.data.configured} enabled={settings.data.enabled} />}
      </div>
      <Loading query={settings}>{() => form(settings.data!)}</Loading>
    </section>
  );
}

const EMAIL_FIELDS = ['host', 'port', 'secure', 'user', 'password', 'fromName', 'fromAddress', 'replyTo', 'enabled'];

function EmailForm({ channel }: { channel: EmailChannel }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const [host, setHost] = useState(channel.host ?? '');
  const [port, setPort] = useState(String(channel.port ?? 587));
  const [secure, setSecure] = useState(channel.secure);
  const [user, setUser] = useState(channel.user ?? '');
  const [password, setPassword] = useState('');
  const [clearPassword, setClearPassword] = useState(false);
  const [fromName, setFromName] = useState(channel.fromName ?? '');
  const [fromAddress, setFromAddress] = useState(channel.fromAddress ?? '');
  const [replyTo, setReplyTo] = useState(channel.replyTo ?? '');
  const [enabled, setEnabled] = useState(channel.configured ? channel.enabled : true);
  const { error, pending, run } = useSubmit();
  const fe = useFieldError(error);

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const body: EmailSettings = {
      host: host.trim(), port: Number(toLatinDigits(port.trim())), secure, user: user.trim() || null,
      fromName: fromName.trim() || null, fromAddress: fromAddress.trim(), replyTo: replyTo.trim() || null, enabled,
      ...(password ? { password } : clearPassword ? { password: null } : {}),
    };
    await run(async () => {
      client.setQueryData(['messaging', 'email'], await engagementApi.saveEmailChannel(body));
      setPassword('');
      setClearPassword(false);
      toast(t('messaging.saved'));
    });
  };
  return (
    <>
      <Form onSubmit={handleSubmit} className="form form-grid" validationBehavior="aria" aria-labelledby="email-heading">
        <Unplaced error={error} fields={EMAIL_FIELDS} />
        <TextField label={t('messaging.host')} value={host} onChange={setHost} dir="ltr" isRequired errorMessage={fe('host')} autoComplete="off" />
        <TextField label={t('messaging.port')} value={numberText(port, prefs.digits)} onChange={(v) => setPort(toLatinDigits(v))} dir="ltr" inputMode="numeric" isRequired errorMessage={fe('port')} />
        <div className="span-all">
          <Checkbox isSelected={secure} onChange={setSecure}>{t('messaging.secure')}</Checkbox>
          <p className="field-description">{t('messaging.secureHint')}</p>
        </div>
        <TextField label={t('messaging.user')} value={user} onChange={setUser} dir="ltr" autoComplete="off" errorMessage={fe('user')} />
        <div>
          <TextField
            label={t('messaging.password')}
            type="password"
            value={password}
            onChange={setPassword}
            dir="ltr"
            autoComplete="new-password"
            description={channel.passwordSet ? t('messaging.secretKept') : undefined}
            errorMessage={fe('password')}
          />
        </div>
        <TextField label={t('messaging.fromName')} value={fromName} onChange={setFromName} errorMessage={fe('fromName')} />
        <TextField label={t('messaging.fromAddress')} type="email" value={fromAddress} onChange={setFromAddress} dir="ltr" isRequired errorMessage={fe('fromAddress')} />
        <TextField label={t('messaging.replyTo')} type="email" value={replyTo} onChange={setReplyTo} dir="ltr" errorMessage={fe('replyTo')} />
        <div className="span-all"><Switch isSelected={enabled} onChange={setEnabled}>{t('messaging.enabled')}</Switch></div>
        {channel.passwordSet && !password && <div className="span-all"><Checkbox isSelected={clearPassword} onChange={setClearPassword}>{t('messaging.clearPassword')}</Checkbox></div>}
        <div className="form-actions span-all"><Button type="submit" variant="primary" isPending={pending}>{t('messaging.save')}</Button></div>
      </Form>
      <TestSend channel="email" ready={channel.configured} />
    </>
  );
}

function TestSend({ channel, ready }: { channel: 'email' | 'sms'; ready: boolean }) {
  const t = useT();
  const reasonText = useReasonText();
  const [to, setTo] = useState('');
  const [result, setResult] = useState<TestResult | null>(null);
  const { error, pending, run } = useSubmit();
  const fe = useFieldError(error);
  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setResult(null);
    await run(async () => {
      setResult(await engagementApi.testChannel(channel, toLatinDigits(to.trim())));
    });
  };
  return (
    <Form onSubmit={handleSubmit} className="test-row" validationBehavior="aria" aria-label={t('messaging.test')}>
      <TextField
        label={`${t('messaging.test')} — ${t('messaging.testTo')}`}
        value={to}
        onChange={setTo}
        dir="ltr"
        type={channel === 'email' ? 'email' : 'tel'}
        description={ready ? t(channel === 'email' ? 'messaging.testEmailHint' : 'messaging.testSmsHint') : t('messaging.saveFirst')}
        errorMessage={fe('to')}
        isDisabled={!ready}
      />
      <Button type="submit" isPending={pending} isDisabled={!ready}>{t('messaging.testSend')}</Button>
      <div className="span-all" aria-live="polite" data-testid={`test-result-${channel}`}>
        {error && !fe('to') && <p className="form-error" role="alert">{error.message}</p>}
        {result && (result.sent
          ? <p className="notice">{t('messaging.testSent')}{result.providerMessageId && <> · <bdi dir="ltr">{result.providerMessageId}</bdi></>}</p>
          : <p className="form-error" role="alert">{t('messaging.testFailed', { reason: reasonText(result.reason) ?? '' })}{result.detail && <> — <UserText>{result.detail}</UserText></>}</p>)}
      </div>
    </Form>
  );
}

// ---- SMS ----

const SMS_FIELDS = ['provider', 'baseUrl', 'sender', 'apiKey', 'accountSid', 'authToken', 'enabled'];

function SmsForm({ channel }: { channel: SmsChannel }) {
  const t = useT();
  const toast = useToast();
  const client = useQueryClient();
  const [provider, setProvider] = useState<'kavenegar' | 'twilio'>(channel.provider ?? 'kavenegar');
  const [baseUrl, setBaseUrl] = useState(channel.baseUrl ?? '');
  const [sender, setSender] = useState(channel.sender ?? '');
  const [secret, setSecret] = useState('');
  const [accountSid, setAccountSid] = useState(channel.accountSid ?? '');
  const [enabled, setEnabled] = useState(channel.configured ? channel.enabled : true);
  const { error, pending, run } = useSubmit();
  const fe = useFieldError(error);
  // A stored secret belongs to the stored provider; switching provider needs a new one.
  const secretKept = channel.secretSet && channel.provider === provider;

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const common = { baseUrl: baseUrl.trim() || null, sender: toLatinDigits(sender.trim()), enabled };
    const body: SmsSettings = provider === 'kavenegar'
      ? { provider, ...common, ...(secret ? { apiKey: secret } : {}) }
      : { provider, ...common, accountSid: accountSid.trim(), ...(secret ? { authToken: secret } : {}) };
    await run(async () => {
      client.setQueryData(['messaging', 'sms'], await engagementApi.saveSmsChannel(body));
      setSecret('');
      toast(t('messaging.saved'));
    });
  };
  return (
    <>
      <Form onSubmit={handleSubmit} className="form form-grid" validationBehavior="aria" aria-labelledby="sms-heading">
        <Unplaced error={error} fields={SMS_FIELDS} />
        <Select
          label={t('messaging.provider')}
          value={provider}
          onChange={setProvider}
          errorMessage={fe('provider')}
          options={[{ id: 'kavenegar', label: t('messaging.provider.kavenegar') }, { id: 'twilio', label: t('messaging.provider.twilio') }]}
        />
        <TextField label={t('messaging.sender')} value={sender} onChange={setSender} dir="ltr" isRequired errorMessage={fe('sender')} />
        <TextField className="span-all" label={t('messaging.baseUrl')} type="url" value={baseUrl} onChange={setBaseUrl} dir="ltr" description={t('messaging.baseUrlHint')} errorMessage={fe('baseUrl')} />
        {provider === 'twilio' && <TextField label={t('messaging.accountSid')} value={accountSid} onChange={setAccountSid} dir="ltr" isRequired autoComplete="off" errorMessage={fe('accountSid')} />}
        <TextField
          label={provider === 'kavenegar' ? t('messaging.apiKey') : t('messaging.authToken')}
          type="password"
          value={secret}
          onChange={setSecret}
          dir="ltr"
          autoComplete="new-password"
          isRequired={!secretKept}
          description={secretKept ? t('messaging.secretKept') : undefined}
          errorMessage={fe(provider === 'kavenegar' ? 'apiKey' : 'authToken')}
        />
        <div className="span-all"><Switch isSelected={enabled} onChange={setEnabled}>{t('messaging.enabled')}</Switch></div>
        <div className="form-actions span-all"><Button type="submit" variant="primary" isPending={pending}>{t('messaging.save')}</Button></div>
      </Form>
      <TestSend channel="sms" ready={channel.configured} />
    </>
  );
}

// ---- webhooks ----

function WebhooksCard() {
  const t = useT();
  const toast = useToast();
  const client = useQueryClient();
  const endpoints = useQuery({ queryKey: ['messaging', 'webhooks'], queryFn: engagementApi.webhookEndpoints });
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [created, setCreated] = useState<NewEndpoint | null>(null);
  const [deleting, setDeleting] = useState<{ id: string; name: string } | null>(null);
  const { error, pending, run } = useSubmit();
  const fe = useFieldError(error);

  const handleCreate = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      setCreated(await engagementApi.createWebhookEndpoint({ name: name.trim(), url: url.trim() }));
      setName('');
      setUrl('');
      void client.invalidateQueries({ queryKey: ['messaging', 'webhooks'] });
      toast(t('messaging.webhookCreated'));
    });
  };
  const handleDelete = async () => {
    if (!deleting) return;
    try {
      await engagementApi.deleteWebhookEndpoint(deleting.id);
      toast(t('messaging.webhookDeleted'));
      void client.invalidateQueries({ queryKey: ['messaging', 'webhooks'] });
    } catch (err) {
      toast(err instanceof Error ? err.message : t('common.errorTitle'), 'bad');
    } finally {
      setDeleting(null);
    }
  };
  return (
    <section className="card" aria-labelledby="webhooks-heading">
      <h2 id="webhooks-heading">{t('messaging.webhooks')}</h2>
      <p className="muted">{t('messaging.webhooksIntro')}</p>
      <Loading query={endpoints}>
        {() => endpoints.data!.items.length === 0 ? <p className="muted">{t('messaging.webhooksEmpty')}</p> : (
          <ul className="endpoint-list">
            {endpoints.data!.items.map((e) => (
              <li key={e.id}>
                <span className="endpoint-text"><strong><UserText>{e.name}</UserText></strong><span className="muted"><UserText ltr>{e.url}</UserText></span></span>
                <Button variant="ghost" aria-label={t('messaging.webhookDelete', { name: e.name })} onPress={() => setDeleting({ id: e.id, name: e.name })}><TrashIcon /></Button>
              </li>
            ))}
          </ul>
        )}
      </Loading>
      <Form onSubmit={handleCreate} className="form form-grid" validationBehavior="aria" aria-label={t('messaging.webhookAdd')}>
        <Unplaced error={error} fields={['name', 'url']} />
        <TextField label={t('messaging.webhookName')} value={name} onChange={setName} isRequired errorMessage={fe('name')} />
        <TextField label={t('messaging.webhookUrl')} type="url" value={url} onChange={setUrl} dir="ltr" isRequired errorMessage={fe('url')} />
        <div className="form-actions span-all"><Button type="submit" isPending={pending}>{t('messaging.webhookAdd')}</Button></div>
      </Form>
      <Dialog title={t('messaging.webhookSecretTitle')} isOpen={created !== null} onOpenChange={(open) => !open && setCreated(null)} isDismissable={false}>
        {(close) => created && (
          <div className="form">
            <p>{t('messaging.webhookSecretBody')}</p>
            <p className="secret-box" data-testid="webhook-secret">{created.secret}</p>
            <div className="form-actions">
              <CopyButton text={created.secret ?? ''} />
              <Button variant="primary" onPress={close}>{t('common.close')}</Button>
            </div>
          </div>
        )}
      </Dialog>
      <ConfirmDialog
        title={t('messaging.webhookDeleteTitle')}
        body={t('messaging.webhookDeleteBody')}
        confirmLabel={t('common.delete')}
        isOpen={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        onConfirm={() => void handleDelete()}
        danger
      />
    </section>
  );
}

// ---- sending policy ----

function PolicyCard() {
  const t = useT();
  const policy = useQuery({ queryKey: ['messaging', 'policy'], queryFn: engagementApi.policy });
  return (
    <section className="card" aria-labelledby="policy-heading">
      <h2 id="policy-heading">{t('messaging.policy')}</h2>
      <p className="muted">{t('messaging.policyIntro')}</p>
      <Loading query={policy}>{() => <PolicyForm policy={policy.data!} />}</Loading>
    </section>
  );
}

function PolicyForm({ policy }: { policy: Policy }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const [quiet, setQuiet] = useState(policy.quietHours !== null);
  const [from, setFrom] = useState(policy.quietHours?.from ?? '21:00');
  const [to, setTo] = useState(policy.quietHours?.to ?? '09:00');
  const [capCount, setCapCount] = useState(String(policy.frequencyCap.count));
  const [capPeriod, setCapPeriod] = useState(String(policy.frequencyCap.periodHours));
  const [rate, setRate] = useState(String(policy.ratePerMinute));
  const { error, pending, run } = useSubmit();
  const fe = useFieldError(error);
  const num = (text: string) => Number(toLatinDigits(text.trim()) || 'NaN');

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      const saved = await engagementApi.savePolicy({
        quietHours: quiet ? { from: toLatinDigits(from.trim()), to: toLatinDigits(to.trim()) } : null,
        frequencyCap: { count: num(capCount), periodHours: num(capPeriod) },
        ratePerMinute: num(rate),
      });
      client.setQueryData(['messaging', 'policy'], saved);
      toast(t('messaging.saved'));
    });
  };
  const d = (v: string) => localiseDigits(v, prefs.digits);
  return (
    <Form onSubmit={handleSubmit} className="form form-grid" validationBehavior="aria" aria-labelledby="policy-heading">
      <Unplaced error={error} fields={['quietHours', 'frequencyCap', 'ratePerMinute']} />
      <div className="span-all"><Switch isSelected={quiet} onChange={setQuiet}>{t('messaging.quiet')}</Switch></div>
      {quiet && (
        <>
          <TimeField label={t('messaging.quietFrom')} value={from} onChange={setFrom} errorMessage={fe('quietHours')} />
          <TimeField label={t('messaging.quietTo')} value={to} onChange={setTo} />
          <p className="field-description span-all">{t('messaging.quietHint')}</p>
        </>
      )}
      <TextField label={t('messaging.capCount')} value={d(capCount)} onChange={(v) => setCapCount(toLatinDigits(v))} dir="ltr" inputMode="numeric" errorMessage={fe('frequencyCap')} />
      <TextField label={t('messaging.capPeriod')} value={d(capPeriod)} onChange={(v) => setCapPeriod(toLatinDigits(v))} dir="ltr" inputMode="numeric" />
      <TextField label={t('messaging.rate')} value={d(rate)} onChange={(v) => setRate(toLatinDigits(v))} dir="ltr" inputMode="numeric" errorMessage={fe('ratePerMinute')} />
      <div className="form-actions span-all"><Button type="submit" variant="primary" isPending={pending}>{t('messaging.save')}</Button></div>
    </Form>
  );
}
