import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Form, Link } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useFieldError, useT } from '../../i18n/useT.ts';
import { api } from '../../lib/api.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { LANGUAGES } from '../../lib/format.ts';
import { TwoFactorStep } from './TwoFactorStep.tsx';
import { SsoButton } from './SsoButton.tsx';
import { Button, TextField } from '../../ui/index.ts';

export function LanguagePicker() {
  const t = useT();
  const prefs = usePrefs();
  return (
    <div className="language-picker" role="group" aria-label={t('prefs.language')}>
      {LANGUAGES.map((language) => (
        <Button key={language} variant="ghost" aria-pressed={prefs.language === language} onPress={() => prefs.setLanguage(language)}>
          <span lang={language}>{t(`lang.${language}`)}</span>
        </Button>
      ))}
    </div>
  );
}

export function SignInPage() {
  const t = useT();
  const client = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { error, pending, run } = useSubmit();
  const fieldMsg = useFieldError(error);
  const [challenge, setChallenge] = useState<string | null>(null);

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      const result = await api.login(email, password);
      if ('twoFactorRequired' in result) setChallenge(result.challenge);
      else client.setQueryData(['session'], result);
    });
  };

  return (
    <div className="auth-page">
      <main className="auth-card" id="main">
        <div className="auth-brand"><span className="brand-mark" aria-hidden="true">و</span></div>
        {challenge ? (
          <TwoFactorStep challenge={challenge} onSignedIn={(session) => client.setQueryData(['session'], session)} onBack={() => { setChallenge(null); setPassword(''); }} />
        ) : (
        <>
        <h1>{t('auth.signInTitle')}</h1>
        <p className="muted">{t('auth.signInIntro')}</p>
        <SsoButton />
        {error && !Object.keys(error.fieldErrors).length && <p className="form-error" role="alert">{error.message}</p>}
        <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
          <TextField label={t('auth.email')} type="email" name="email" value={email} onChange={setEmail} autoComplete="username" dir="ltr" isRequired errorMessage={fieldMsg('email')} autoFocus />
          <TextField label={t('auth.password')} type="password" name="password" value={password} onChange={setPassword} autoComplete="current-password" dir="ltr" isRequired errorMessage={fieldMsg('password')} />
          <Button type="submit" variant="primary" isPending={pending}>{t('auth.signIn')}</Button>
        </Form>
        <Link href="/forgot-password" className="auth-link">{t('auth.forgotPassword')}</Link>
        </>
        )}
        <LanguagePicker />
      </main>
    </div>
  );
}
