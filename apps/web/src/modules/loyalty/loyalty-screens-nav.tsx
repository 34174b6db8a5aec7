// The loyalty screens' own links: programs, members, the ledger explorer and (for finance, owners
// and admins) the finance report; the current one marked for assistive technology too.
import { Link } from 'react-aria-components';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { canSeeFinance } from './finance-api.ts';
import './loyalty-screens-nav.css';

type Screen = 'programs' | 'members' | 'ledger' | 'finance';

export function LoyaltyScreensNav({ current }: { current: Screen }) {
  const t = useT();
  const session = useSession();
  const links: { id: Screen; href: string; label: string }[] = [
    { id: 'programs', href: '/loyalty', label: t('loyalty.title') },
    { id: 'members', href: '/loyalty/members', label: t('loyalty.members.title') },
    { id: 'ledger', href: '/loyalty/ledger', label: t('loyalty.ledger.title') },
    ...(canSeeFinance(session.role) ? [{ id: 'finance' as const, href: '/loyalty/finance', label: t('loyalty.finance.title') }] : []),
  ];
  return (
    <nav className="loyalty-screens-nav" aria-label={t('loyalty.reports.nav')}>
      {links.map((link) => (
        <Link key={link.id} href={link.href} className="loyalty-screens-link" aria-current={link.id === current ? 'page' : undefined}>{link.label}</Link>
      ))}
    </nav>
  );
}
