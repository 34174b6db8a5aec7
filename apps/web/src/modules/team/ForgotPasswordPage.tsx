import { useState, type FormEvent } from 'react';
import { Form, Link } from 'react-aria-components';
import { useFieldError, useT } from '../../i18n/useT.ts';
import { RESET_LINK_MINUTES } from '@vafa/contracts/constants';
import { useSubmit } from '../../lib/use-submit.ts';
import { LanguagePicker } from './SignInPage.tsx';
import { Button, TextField } from '../../ui/index.ts';
import { accountApi } from './account-api.ts';
import './account.css';

/** /forgot-password — asks for a reset link; says the same whether or not the address has an account. */
export default function ForgotPasswordPage() {
  const t = useT();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const { error, pending, run } = useSubmit();
  const fieldMsg = useFieldError(error);

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      await accountApi.requestReset(email);
      setSent(true);
    });
  };

  return (
    <div className="auth-page">
      <main className="auth-card" id="main">
        <div className="auth-brand"><span className="brand-mark" aria-hidden="true">و</span></div>
        <h1>{t('auth.forgotTitle')}</h1>
        {sent ? (
          <p className="notice" role="status">{t('auth.resetSent', { minutes: RESET_LINK_MINUTES })}</p>
        ) : (
          <>
            <p className="muted">{t('auth.forgotIntro')}</p>
            {error && !Object.keys(error.fieldErrors).length && <p className="form-error" role="alert">{error.message}</p>}
            <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
              <TextField label={t('auth.email')} type="email" name="email" value={email} onChange={setEmail} autoComplete="username" dir="ltr" isRequired errorMessage={fieldMsg('email')} autoFocus />
              <Button type="submit" variant="primary" isPending={pending}>{t('auth.sendResetLink')}</Button>
            </Form>
          </>
        )}
        <Link href="/" className="auth-link">{t('auth.backToSignIn')}</Link>
        <LanguagePicker />
      </main>
    </div>
  );
}
