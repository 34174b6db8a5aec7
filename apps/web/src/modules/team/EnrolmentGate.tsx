import { useQueryClient } from '@tanstack/react-query';
import { useT } from '../../i18n/useT.ts';
import { api } from '../../lib/api.ts';
import { LanguagePicker } from './SignInPage.tsx';
import { Button } from '../../ui/index.ts';
import { TwoFactorSetup } from './TwoFactorSetup.tsx';
import './account.css';

/** Shown instead of the app when the workspace requires a second factor this account lacks. */
export default function EnrolmentGate() {
  const t = useT();
  const client = useQueryClient();
  const handleDone = async () => {
    client.setQueryData(['session'], await api.session());
    await client.invalidateQueries();
  };
  const handleSignOut = async () => {
    await api.logout().catch(() => undefined);
    client.setQueryData(['session'], null);
  };
  return (
    <div className="auth-page">
      <main className="auth-card auth-card-wide" id="main">
        <div className="auth-brand"><span className="brand-mark" aria-hidden="true">و</span></div>
        <h1>{t('account.enrolRequiredTitle')}</h1>
        <p className="muted">{t('account.enrolRequiredIntro')}</p>
        <TwoFactorSetup onDone={() => void handleDone()} />
        <Button variant="ghost" onPress={() => void handleSignOut()}>{t('auth.signOut')}</Button>
        <LanguagePicker />
      </main>
    </div>
  );
}
