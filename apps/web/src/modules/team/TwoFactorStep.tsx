import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { useT } from '../../i18n/useT.ts';
import { ApiError, api, type Session } from '../../lib/api.ts';
import { Button, TextField } from '../../ui/index.ts';
import './account.css';

/** The second step of signing in: a code from the authenticator app or a recovery code. */
export function TwoFactorStep({ challenge, onSignedIn, onBack }: { challenge: string; onSignedIn: (session: Session) => void; onBack: () => void }) {
  const t = useT();
  const [code, setCode] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      onSignedIn(await api.loginSecondFactor(challenge, code));
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, { detail: t('common.networkError') }));
      setCode('');
    } finally {
      setPending(false);
    }
  };

  return (
    <>
      <h1>{t('auth.twoFactorTitle')}</h1>
      <p className="muted">{t('auth.twoFactorIntro')}</p>
      {error && <p className="form-error" role="alert">{error.message}</p>}
      <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
        <TextField label={t('auth.twoFactorCode')} name="code" value={code} onChange={setCode} autoComplete="one-time-code" inputMode="text" dir="ltr" isRequired autoFocus className="code-field" />
        <Button type="submit" variant="primary" isPending={pending}>{t('auth.verify')}</Button>
        <Button variant="ghost" onPress={onBack}>{t('auth.backToSignIn')}</Button>
      </Form>
    </>
  );
}
