// "Sign in with <provider>" on the sign-in page, shown only when the instance has a single
// sign-on provider, and the reason in the reader's language when the provider sent them back
// unsigned (`/sign-in?sso_error=<reason>`, set by the server's callback).
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { request } from '../../lib/api.ts';
import './sso.css';

interface SsoProvider {
  id: string;
  name: string | null;
  startUrl: string;
}

const FAILURES = ['expired', 'cancelled', 'email_unverified', 'unknown_account', 'unavailable', 'failed'] as const;
type SsoFailure = (typeof FAILURES)[number];

let taken = false;
let failureOnLoad: SsoFailure | undefined;

/** The reason in the address, read once and taken out of it so a reload does not show it again. */
function takeFailure(): SsoFailure | undefined {
  if (taken) return failureOnLoad;
  taken = true;
  const params = new URLSearchParams(window.location.search);
  const reason = params.get('sso_error');
  if (reason === null) return undefined;
  params.delete('sso_error');
  const rest = params.toString();
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${rest ? `?${rest}` : ''}${window.location.hash}`);
  failureOnLoad = (FAILURES as readonly string[]).includes(reason) ? (reason as SsoFailure) : 'failed';
  return failureOnLoad;
}

/** Where to come back to: the page the person was opening, unless that was the sign-in page itself. */
function returnPath(): string {
  const { pathname, search } = window.location;
  return pathname === '/sign-in' ? '/' : `${pathname}${search}`;
}

export function SsoButton() {
  const t = useT();
  const { language } = usePrefs();
  const [failure] = useState(takeFailure);
  const providers = useQuery({
    queryKey: ['sso-providers'],
    queryFn: () => request<{ items: SsoProvider[] }>('GET', '/api/auth/sso'),
    staleTime: Infinity,
  });
  const items = providers.data?.items ?? [];
  if (!failure && items.length === 0) return null;

  return (
    <div className="sso">
      {failure && <p className="form-error" role="alert">{t(`sso.error.${failure}`)}</p>}
      {items.map((provider) => (
        // A full page navigation, not the in-app router: the server redirects to the provider.
        <a key={provider.id} className="btn btn-secondary sso-button" href={`${provider.startUrl}?${new URLSearchParams({ lang: language, returnTo: returnPath() })}`}>
          {provider.name ? t('sso.signInWith', { name: provider.name }) : t('sso.signInWithDefault')}
        </a>
      ))}
      {items.length > 0 && <p className="sso-or">{t('sso.or')}</p>}
    </div>
  );
}
