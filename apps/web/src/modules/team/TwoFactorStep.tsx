import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { useT } from '../../i18n/useT.ts';
import { api, type Session } from '../../lib/api.ts';
import { TOTP_DIGITS } from '@vafa/contracts/constants';
import { useSubmit } from '../../lib/use-submit.ts';
import { Button, TextField } from '../../ui/index.ts';
import './account.css';

/** The second step of signing in: a code from the authenticator app or a recovery code. */
export function TwoFactorStep({ challenge, onSignedIn, onBack }: { challenge: string; onSignedIn: (session: Session) => void; onBack: () => void }) {
  const t = useT();
  const [code, setCode] = useState('');
  const { error, pending, run } = useSubmit();

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await run(async () => {
      onSignedIn(await api.loginSecondFactor(challenge, code));
    });
    if (!ok) setCode('');
  };

  return (
    <>
      <h1>{t('auth.twoFactorTitle')}</h1>
      <p className="muted">{t('auth.twoFactorIntro', { digits: TOTP_DIGITS })}</p>
      {error && <p className="form-error" role="alert">{error.message}</p>}
      <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
        <TextField label={t('auth.twoFactorCode')} name="code" value={code} onChange={setCode} autoComplete="one-time-code" inputMode="text" dir="ltr" isRequired autoFocus className="code-field" />
        <Button type="submit" variant="primary" isPending={pending}>{t('auth.verify')}</Button>
        <Button variant="ghost" onPress={onBack}>{t('auth.backToSignIn')}</Button>
      </Form>
    </>
  );
}
