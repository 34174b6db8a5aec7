import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { useT } from '../../i18n/useT.ts';
import { ApiError } from '../../lib/api.ts';
import { Button, TextField } from '../../ui/index.ts';
import { accountApi, type Enrolment } from './account-api.ts';

/**
 * Setting up an authenticator app: a QR code (and the key as text), then a first code from the
 * app, then the recovery codes, shown this once.
 */
export function TwoFactorSetup({ onDone, onCancel }: { onDone: () => void; onCancel?: () => void }) {
  const t = useT();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);

  const run = async (work: () => Promise<void>) => {
    setPending(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, { detail: t('common.networkError') }));
    } finally {
      setPending(false);
    }
  };

  const handleConfirm = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => setCodes((await accountApi.confirmEnrolment(code)).recoveryCodes ?? []));
  };

  if (codes) return <RecoveryCodeList codes={codes} onDone={onDone} />;
  if (!enrolment) {
    return (
      <div className="form-actions">
        {error && <p className="form-error" role="alert">{error.message}</p>}
        <Button variant="primary" isPending={pending} onPress={() => void run(async () => setEnrolment(await accountApi.startEnrolment()))}>{t('account.enable')}</Button>
        {onCancel && <Button onPress={onCancel}>{t('common.cancel')}</Button>}
      </div>
    );
  }
  return (
    <div className="two-factor-setup">
      <section>
        <h3>{t('account.scanTitle', { step: 1 })}</h3>
        <img className="qr-code" src={enrolment.qrCode} alt={t('account.qrAlt')} width={200} height={200} />
        <p className="muted">{t('account.secretHint')}</p>
        <code className="totp-secret" dir="ltr" data-testid="totp-secret">{enrolment.secret?.match(/.{1,4}/g)?.join(' ')}</code>
      </section>
      <section>
        <h3>{t('account.confirmTitle', { step: 2 })}</h3>
        {error && <p className="form-error" role="alert">{error.message}</p>}
        <Form onSubmit={handleConfirm} className="form" validationBehavior="aria">
          <TextField label={t('auth.twoFactorCode')} name="code" value={code} onChange={setCode} autoComplete="one-time-code" inputMode="numeric" dir="ltr" isRequired className="code-field" />
          <div className="form-actions">
            <Button type="submit" variant="primary" isPending={pending}>{t('account.confirm')}</Button>
            <Button onPress={() => { setEnrolment(null); setCode(''); setError(null); onCancel?.(); }}>{t('common.cancel')}</Button>
          </div>
        </Form>
      </section>
    </div>
  );
}

export function RecoveryCodeList({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const t = useT();
  return (
    <div className="recovery-codes">
      <h3>{t('account.recoveryTitle')}</h3>
      <p>{t('account.recoveryIntro')}</p>
      <ul className="recovery-code-list" dir="ltr" data-testid="recovery-codes">
        {codes.map((c) => <li key={c}><code>{c}</code></li>)}
      </ul>
      <div className="form-actions">
        <Button onPress={() => void navigator.clipboard?.writeText(codes.join('\n'))}>{t('common.copy')}</Button>
        <Button variant="primary" onPress={onDone}>{t('account.recoveryDone')}</Button>
      </div>
    </div>
  );
}
