// The member portal's partner offers: what each partner of the coalition offers for points, in the
// reader's language and digits, whether the member's spend has opened it and their points cover
// it, and how to use it. There is no redeem button on purpose: a partner offer is redeemed at the
// partner's counter (the partner's system takes the points through the API); the portal issues no
// voucher the partner could check, so it says where to show the page instead.
import type { MemberCatalogueView } from '@vafa/contracts';
import { useT } from '../../i18n/useT.ts';
import { formatInstant, formatMoney, formatNumber, type DisplayPrefs } from '../../lib/format.ts';
import { Badge } from '../../ui/index.ts';
import { localName } from '../loyalty/loyalty-format.ts';
import './member-partner-offers.css';

type Display = Pick<DisplayPrefs, 'language' | 'digits' | 'calendar' | 'timeZone'>;
type PartnerOffer = MemberCatalogueView['partnerOffers'][number];

export function MemberPartnerOffers({ offers, display, available, irrDisplay }: {
  offers: PartnerOffer[]; display: Display; available: number; irrDisplay: 'rial' | 'toman';
}) {
  const t = useT();
  if (offers.length === 0) return null;
  const n = (value: number) => formatNumber(value, display);
  const points = (value: number) => t('memberPortal.points', { count: value, points: n(value) });
  // Open ones first, then those the member can still reach.
  const sorted = [...offers].sort((a, b) => Number(b.unlocked) - Number(a.unlocked));
  return (
    <section className="portal-card" aria-labelledby="mp-partners" data-testid="member-partner-offers">
      <h2 id="mp-partners">{t('memberPortal.partners.title')}</h2>
      <ul className="member-partner-list">
        {sorted.map((offer) => {
          const partner = localName(offer.partnerName, display.language);
          // Against the balance shown on this page, which a coupon taken here refreshes; the server
          // also says when points owed from a return leave too few.
          const short = offer.pointsCost - available;
          const enough = short <= 0 && offer.enoughPoints;
          return (
            <li key={offer.id} className="member-partner-offer" data-testid="member-partner-offer">
              <p className="member-partner-name"><bdi>{partner}</bdi></p>
              <p className="member-partner-title"><bdi>{localName(offer.name, display.language)}</bdi></p>
              <p className="member-partner-cost"><strong>{points(offer.pointsCost)}</strong></p>
              {offer.validUntil && (
                // The end is exclusive: the last day on offer is the one before it.
                <p className="member-partner-until muted">
                  {t('memberPortal.partners.lastDay', { day: formatInstant(new Date(Date.parse(offer.validUntil) - 1).toISOString(), display, false) })}
                </p>
              )}
              <div className="member-partner-status">
                {!offer.unlocked ? (
                  <Badge tone="neutral">
                    {t('memberPortal.partners.needsSpend', {
                      amount: formatMoney(Number(offer.minSpendMinor), offer.currency, display, irrDisplay),
                      count: offer.spendWindowDays, days: n(offer.spendWindowDays),
                    })}
                  </Badge>
                ) : !enough ? (
                  <Badge tone="warn">{short > 0 ? t('memberPortal.partners.short', { points: points(short) }) : t('memberPortal.coupons.notEnough')}</Badge>
                ) : (
                  <>
                    <Badge tone="good">{t('memberPortal.partners.ready')}</Badge>
                    <p className="member-partner-how muted">{t('memberPortal.partners.how', { partner })}</p>
                  </>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
