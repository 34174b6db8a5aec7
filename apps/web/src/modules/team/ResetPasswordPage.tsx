import { useState, type FormEvent } from 'react';
import { Form, Link } from 'react-aria-components';
import { useFieldError, useT } from '../../i18n/useT.ts';
import { PASSWORD_MIN_LENGTH } from '@vafa/contracts/constants';
import { useSubmit } from '../../lib/use-submit.ts';
import { LanguagePicker } from './SignInPage.tsx';
import { Button, TextField } from '../../ui/index.ts';
import { accountApi } from './account-api.ts';
import './account.css';

/** /reset-password#TOKEN — the token is in the fragment, so it never reaches server logs or a Referer. */
export default function ResetPasswordPage() {
  const t = useT();
  const [token] = useState(() => window.location.hash.slice(1));
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const { error, pending, run } = useSubmit();
  const fieldMsg = useFieldError(error);

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      await accountApi.completeReset(token, password);
      // The link is spent: take it out of the address bar and history.
      window.history.replaceState(window.history.state, '', window.location.pathname);
      setDone(true);
    });
  };

  const expired = error?.code === 'reset_link_invalid';
  return (
    <div className="auth-page">
      <main className="auth-card" id="main">
        <div className="auth-brand"><span className="brand-mark" aria-hidden="true">و</span></div>
        <h1>{t('auth.resetTitle')}</h1>
        {done ? (
          <p className="notice" role="status">{t('auth.resetDone')}</p>
        ) : !token ? (
          <p className="form-error" role="alert">{t('auth.resetMissingToken')}</p>
        ) : (
          <>
            {error && !Object.keys(error.fieldErrors).length && <p className="form-error" role="alert">{error.message}</p>}
            <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
              <TextField label={t('auth.newPassword')} type="password" name="newPassword" value={password} onChange={setPassword} autoComplete="new-password" dir="ltr" isRequired description={t('auth.passwordHint', { min: PASSWORD_MIN_LENGTH })} errorMessage={fieldMsg('newPassword')} autoFocus />
              <Button type="submit" variant="primary" isPending={pending} isDisabled={expired}>{t('auth.resetSave')}</Button>
            </Form>
          </>
        )}
        {(!token || expired) && !done && <Link href="/forgot-password" className="auth-link">{t('auth.requestNewLink')}</Link>}
        <Link href="/" className="auth-link">{t('auth.backToSignIn')}</Link>
        <LanguagePicker />
      </main>
    </div>
  );
}
