import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useT } from '../../i18n/useT.ts';
import { ApiError, api, type Workspace } from '../../lib/api.ts';
import { Switch, useToast } from '../../ui/index.ts';

/** The owner's switch: every member must sign in with a second factor. */
export function RequireTwoFactorSetting({ workspace }: { workspace: Workspace }) {
  const t = useT();
  const toast = useToast();
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const handleChange = async (requireTwoFactor: boolean) => {
    setPending(true);
    setError(null);
    try {
      client.setQueryData(['workspace'], await api.updateWorkspace({ requireTwoFactor }));
      client.setQueryData(['session'], await api.session());
      toast(t('account.requireSaved'));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('common.networkError'));
    } finally {
      setPending(false);
    }
  };

  return (
    <section className="card" aria-labelledby="require-two-factor-title">
      <h2 id="require-two-factor-title">{t('account.requireTitle')}</h2>
      {error && <p className="form-error" role="alert">{error}</p>}
      <Switch isSelected={workspace.requireTwoFactor} onChange={(value) => void handleChange(value)} isDisabled={pending}>{t('account.requireLabel')}</Switch>
      <p className="muted">{t('account.requireHint')}</p>
    </section>
  );
}
