import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { navigate } from '../../app/router.ts';
import { useFieldError, useT } from '../../i18n/useT.ts';
import { api, type Session } from '../../lib/api.ts';
import { PASSWORD_MIN_LENGTH } from '@vafa/contracts/constants';
import { useSubmit } from '../../lib/use-submit.ts';
import { TwoFactorStep } from './TwoFactorStep.tsx';
import { Button, TextField } from '../../ui/index.ts';
import { LanguagePicker } from './SignInPage.tsx';

/** /invitations/accept#TOKEN — the token is in the fragment, so it never reaches server logs. */
export default function AcceptInvitationPage() {
  const t = useT();
  const client = useQueryClient();
  const token = window.location.hash.slice(1);
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const { error, pending, run } = useSubmit();
  const fieldMsg = useFieldError(error);
  const [challenge, setChallenge] = useState<string | null>(null);
  const signedIn = (session: Session) => {
    client.setQueryData(['session'], session);
    navigate('/customers', { replace: true });
  };

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      const result = await api.acceptInvitation({ token, displayName, password });
      // An account that already has a second factor joins, then signs in with its code.
      if ('twoFactorRequired' in result) setChallenge(result.challenge);
      else signedIn(result);
    });
  };

  return (
    <div className="auth-page">
      <main className="auth-card" id="main">
        <div className="auth-brand"><span className="brand-mark" aria-hidden="true">و</span></div>
        {challenge ? (
          <TwoFactorStep challenge={challenge} onSignedIn={signedIn} onBack={() => setChallenge(null)} />
        ) : (
        <>
        <h1>{t('invite.title')}</h1>
        {!token ? (
          <p className="form-error" role="alert">{t('invite.missingToken')}</p>
        ) : (
          <>
            <p className="muted">{t('invite.intro')}</p>
            {error && !Object.keys(error.fieldErrors).length && <p className="form-error" role="alert">{error.message}</p>}
            <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
              <TextField label={t('invite.displayName')} value={displayName} onChange={setDisplayName} autoComplete="name" isRequired errorMessage={fieldMsg('displayName')} />
              <TextField label={t('auth.password')} type="password" value={password} onChange={setPassword} autoComplete="new-password" dir="ltr" isRequired description={t('invite.passwordHint', { min: PASSWORD_MIN_LENGTH })} errorMessage={fieldMsg('password') ?? fieldMsg('token')} />
              <Button type="submit" variant="primary" isPending={pending}>{t('invite.accept')}</Button>
            </Form>
          </>
        )}
        </>
        )}
        <LanguagePicker />
      </main>
    </div>
  );
}
