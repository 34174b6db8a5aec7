// The complaints section's sub-navigation: queue · reports · prevention · settings. Links (each
// its own address), so the current one says aria-current="page" rather than being an ARIA tab.
import { Link } from 'react-aria-components';
import { useT } from '../../i18n/useT.ts';
import './complaint-settings.css';

export type ComplaintSection = 'queue' | 'reports' | 'prevention' | 'settings';
const SECTIONS: { id: ComplaintSection; href: string }[] = [
  { id: 'queue', href: '/complaints' },
  { id: 'reports', href: '/complaints/reports' },
  { id: 'prevention', href: '/complaints/prevention' },
  { id: 'settings', href: '/complaints/settings' },
];

export function ComplaintTabs({ current }: { current: ComplaintSection }) {
  const t = useT();
  return (
    <nav className="complaint-tabs" aria-label={t('complaints.sections.label')}>
      <ul>
        {SECTIONS.map((s) => (
          <li key={s.id}>
            <Link className="complaint-tab" href={s.href} aria-current={s.id === current ? 'page' : undefined}>{t(`complaints.sections.${s.id}`)}</Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
