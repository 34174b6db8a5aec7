// The member portal's prepaid credit packages on sale, with the bonus in each (the member's own
// credit is on the games card, member-games.tsx). There is no buy button on purpose: Vafa takes no
// payment (no payment provider), so the card says where a package is bought (where the shop takes
// money, which records it) instead of pretending to sell one here. Nothing shows without packages.
import type { MemberCreditView } from '@vafa/contracts';
import { useEffect, useState } from 'react';
import { useT } from '../../i18n/useT.ts';
import { formatMoney, type DisplayPrefs } from '../../lib/format.ts';
import { Badge } from '../../ui/index.ts';
import { localName } from '../loyalty/loyalty-format.ts';
import './member-credit.css';

type Display = Pick<DisplayPrefs, 'language' | 'digits' | 'calendar' | 'timeZone'>;

export function MemberCredit({ load, display, irrDisplay }: { load: () => Promise<MemberCreditView>; display: Display; irrDisplay: 'rial' | 'toman' }) {
  const t = useT();
  const [view, setView] = useState<MemberCreditView | null>(null);
  useEffect(() => { void load().then(setView).catch(() => undefined); }, [load]);
  if (!view || view.packages.length === 0) return null;
  const money = (minor: number, currency: string) => formatMoney(minor, currency, display, irrDisplay);
  return (
    <section className="portal-card" aria-labelledby="mp-credit-packages" data-testid="member-credit-packages">
      <h2 id="mp-credit-packages">{t('memberPortal.credit.packagesTitle')}</h2>
      {(
        <>
          <ul className="member-credit-list">
            {view.packages.map((p) => (
              <li key={p.id} className="member-credit-package" data-testid="member-credit-package">
                <span className="member-credit-name"><bdi>{localName(p.name, display.language)}</bdi></span>
                <span>{t('memberPortal.credit.payGet', { price: money(p.priceMinor, p.currency), credit: money(p.creditMinor, p.currency) })}</span>
                {p.bonusMinor > 0 && <Badge tone="good">{t('memberPortal.credit.bonus', { amount: money(p.bonusMinor, p.currency) })}</Badge>}
              </li>
            ))}
          </ul>
          <p className="muted member-credit-how">{t('memberPortal.credit.how')}</p>
        </>
      )}
    </section>
  );
}
