import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useFieldError, useT } from '../../i18n/useT.ts';
import { api } from '../../lib/api.ts';
import { formatInstant, formatNumber } from '../../lib/format.ts';
import { Badge, Button, Dialog, ErrorState, Skeleton, TextField, UserText, useToast } from '../../ui/index.ts';
import { PASSWORD_MIN_LENGTH } from '@vafa/contracts/constants';
import { useSubmit } from '../../lib/use-submit.ts';
import { accountApi, type AccountSession } from './account-api.ts';
import { RecoveryCodeList, TwoFactorSetup } from './TwoFactorSetup.tsx';
import './account.css';

/** /account/security — my password, my second factor, my sessions. */
export default function AccountSecurityPage() {
  const t = useT();
  return (
    <div className="page page-narrow account-security">
      <header className="page-header"><h1>{t('account.title')}</h1></header>
      <PasswordCard />
      <TwoFactorCard />
      <SessionsCard />
    </div>
  );
}

function PasswordCard() {
  const t = useT();
  const toast = useToast();
  const client = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const { error, pending, run } = useSubmit();
  const fieldMsg = useFieldError(error);

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await accountApi.changePassword(current, next);
      setCurrent('');
      setNext('');
      toast(t('account.passwordChanged'));
      void client.invalidateQueries({ queryKey: ['account', 'sessions'] });
    });
  };

  return (
    <section className="card" aria-labelledby="password-title">
      <h2 id="password-title">{t('account.passwordTitle')}</h2>
      {error && !Object.keys(error.fieldErrors).length && <p className="form-error" role="alert">{error.message}</p>}
      <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
        <TextField label={t('account.currentPassword')} type="password" name="currentPassword" value={current} onChange={setCurrent} autoComplete="current-password" dir="ltr" isRequired errorMessage={fieldMsg('currentPassword')} />
        <TextField label={t('auth.newPassword')} type="password" name="newPassword" value={next} onChange={setNext} autoComplete="new-password" dir="ltr" isRequired description={t('auth.passwordHint', { min: PASSWORD_MIN_LENGTH })} errorMessage={fieldMsg('newPassword')} />
        <div className="form-actions"><Button type="submit" variant="primary" isPending={pending}>{t('account.changePassword')}</Button></div>
      </Form>
    </section>
  );
}

function TwoFactorCard() {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const status = useQuery({ queryKey: ['account', 'two-factor'], queryFn: accountApi.twoFactor });
  const [asking, setAsking] = useState<'disable' | 'codes' | null>(null);
  const [password, setPassword] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const { error, pending, run } = useSubmit();
  const fieldMsg = useFieldError(error);

  const refresh = async () => {
    await client.invalidateQueries({ queryKey: ['account', 'two-factor'] });
    client.setQueryData(['session'], await api.session());
  };

  const handleConfirmPassword = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      if (asking === 'disable') {
        await accountApi.disableTwoFactor(password);
        toast(t('account.disabled'));
      } else {
        setCodes((await accountApi.newRecoveryCodes(password)).recoveryCodes ?? []);
      }
      setAsking(null);
      setPassword('');
      await refresh();
    });
  };

  let body;
  if (status.isPending) body = <Skeleton lines={2} />;
  else if (status.isError) body = <ErrorState detail={status.error.message} onRetry={() => void status.refetch()} />;
  else if (codes) body = <RecoveryCodeList codes={codes} onDone={() => setCodes(null)} />;
  else if (!status.data.enabled) {
    body = (
      <>
        <p className="muted">{t('account.twoFactorOff')}</p>
        <TwoFactorSetup onDone={() => void refresh()} />
      </>
    );
  } else {
    body = (
      <>
        <p>
          <Badge tone="good">✓</Badge>{' '}
          {t('account.twoFactorOn', { date: formatInstant(status.data.enabledAt!, prefs, false), count: formatNumber(status.data.recoveryCodesLeft, prefs) })}
        </p>
        <div className="form-actions">
          <Button onPress={() => setAsking('codes')}>{t('account.newRecoveryCodes')}</Button>
          <Button variant="danger" onPress={() => setAsking('disable')}>{t('account.disable')}</Button>
        </div>
      </>
    );
  }

  return (
    <section className="card" aria-labelledby="two-factor-title">
      <h2 id="two-factor-title">{t('account.twoFactorTitle')}</h2>
      {body}
      <Dialog title={asking === 'disable' ? t('account.disableTitle') : t('account.newRecoveryCodes')} isOpen={asking !== null} onOpenChange={(open) => { if (!open) setAsking(null); }} size="small">
        {(close) => (
          <Form onSubmit={handleConfirmPassword} className="form" validationBehavior="aria">
            <p>{t('account.passwordToConfirm')}</p>
            {error && !Object.keys(error.fieldErrors).length && <p className="form-error" role="alert">{error.message}</p>}
            <TextField label={t('auth.password')} type="password" name="password" value={password} onChange={setPassword} autoComplete="current-password" dir="ltr" isRequired errorMessage={fieldMsg('password')} autoFocus />
            <div className="form-actions">
              <Button type="submit" variant={asking === 'disable' ? 'danger' : 'primary'} isPending={pending}>{asking === 'disable' ? t('account.disable') : t('common.confirm')}</Button>
              <Button onPress={close}>{t('common.cancel')}</Button>
            </div>
          </Form>
        )}
      </Dialog>
    </section>
  );
}

/** "Firefox on Android" from a user agent, enough to tell one's own devices apart. */
function describeAgent(agent: string | null): string | null {
  if (!agent) return null;
  const browser = /Edg\//.test(agent) ? 'Edge' : /Firefox\//.test(agent) ? 'Firefox' : /Chrom(e|ium)\//.test(agent) ? 'Chrome' : /Safari\//.test(agent) ? 'Safari' : null;
  const system = /Android/.test(agent) ? 'Android' : /iPhone|iPad/.test(agent) ? 'iOS' : /Windows/.test(agent) ? 'Windows' : /Mac OS X/.test(agent) ? 'macOS' : /Linux/.test(agent) ? 'Linux' : null;
  return browser && system ? `${browser} · ${system}` : (browser ?? system ?? agent.slice(0, 60));
}

function SessionsCard() {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const sessions = useQuery({ queryKey: ['account', 'sessions'], queryFn: accountApi.sessions });
  const { error, pending, run } = useSubmit();

  const revoke = (session: AccountSession) => void run(async () => {
    await accountApi.revokeSession(session.id);
    toast(t('account.revoked'));
    await sessions.refetch();
  });
  const revokeOthers = () => void run(async () => {
    await accountApi.revokeOtherSessions();
    toast(t('account.revoked'));
    await sessions.refetch();
  });

  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">{t('account.sessionsTitle')}</h2>
      {error && <p className="form-error" role="alert">{error.message}</p>}
      {sessions.isPending ? <Skeleton lines={3} /> : sessions.isError ? <ErrorState detail={sessions.error.message} onRetry={() => void sessions.refetch()} /> : (
        <>
          <ul className="session-list">
            {sessions.data.items.map((s) => (
              <li key={s.id} className="session-item" data-testid="session">
                <div className="session-what">
                  <span className="session-device">
                    <strong><UserText ltr>{describeAgent(s.userAgent) ?? t('account.unknownDevice')}</UserText></strong>
                    {s.current && <Badge tone="info">{t('account.thisDevice')}</Badge>}
                  </span>
                  <span className="muted"><UserText>{s.workspace.name}</UserText>{s.ip && <> · <span dir="ltr">{s.ip}</span></>}</span>
                  <span className="muted">{t('account.lastSeen', { date: formatInstant(s.lastSeenAt, prefs, 'short') })} · {t('account.signedInAt', { date: formatInstant(s.createdAt, prefs, false) })}</span>
                </div>
                {!s.current && <Button variant="ghost" onPress={() => revoke(s)} isDisabled={pending}>{t('account.revoke')}</Button>}
              </li>
            ))}
          </ul>
          {sessions.data.items.some((s) => !s.current) && (
            <div className="form-actions"><Button variant="danger" onPress={revokeOthers} isPending={pending}>{t('account.revokeOthers')}</Button></div>
          )}
        </>
      )}
    </section>
  );
}
