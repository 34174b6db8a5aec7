// The member portal's partner offers: what each partner of the coalition offers for points, in the
// reader's language and digits, whether the member's spend has opened it and their points cover
// it. An open offer the points cover is redeemed here in one confirmed tap (the points are taken at
// once) and answers a reference the member shows at the partner's counter; the partner's counter
// can still take the points itself through the API.
import type { MemberCatalogueView, MemberPartnerRedemption } from '@vafa/contracts';
import { useState } from 'react';
import { useT } from '../../i18n/useT.ts';
import { formatInstant, formatMoney, formatNumber, type DisplayPrefs } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Badge, Button } from '../../ui/index.ts';
import { localName, newIdempotencyKey } from '../loyalty/loyalty-format.ts';
import './member-partner-offers.css';

type Display = Pick<DisplayPrefs, 'language' | 'digits' | 'calendar' | 'timeZone'>;
type PartnerOffer = MemberCatalogueView['partnerOffers'][number];

export function MemberPartnerOffers({ offers, display, available, irrDisplay, onRedeem, onRedeemed }: {
  offers: PartnerOffer[]; display: Display; available: number; irrDisplay: 'rial' | 'toman';
  onRedeem: (offerId: string, key: string) => Promise<MemberPartnerRedemption>; onRedeemed: () => void;
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
                    <RedeemOffer offer={offer} partner={partner} display={display} onRedeem={onRedeem} onRedeemed={onRedeemed} />
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

/** Asks once, then takes the points: one key per confirmed intent, so a second tap or a retry is the same redemption. */
function RedeemOffer({ offer, partner, display, onRedeem, onRedeemed }: {
  offer: PartnerOffer; partner: string; display: Display; onRedeem: (offerId: string, key: string) => Promise<MemberPartnerRedemption>; onRedeemed: () => void;
}) {
  const t = useT();
  const submit = useSubmit();
  const [key, setKey] = useState(newIdempotencyKey);
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<MemberPartnerRedemption | null>(null);
  const n = (value: number) => formatNumber(value, display);
  const handleConfirm = async () => {
    const ok = await submit.run(async () => setDone(await onRedeem(offer.id, key)));
    if (ok) {
      setKey(newIdempotencyKey());
      setConfirming(false);
      onRedeemed();
    }
  };
  if (done) {
    return (
      <p className="member-partner-done" role="status" data-testid="member-partner-redeemed">
        {t('memberPortal.partners.redeemed', { partner, points: t('memberPortal.points', { count: done.points, points: n(done.points) }) })}{' '}
        <strong className="member-partner-reference">{t('memberPortal.partners.reference', { reference: n(Number(done.reference)) })}</strong>
      </p>
    );
  }
  return (
    <>
      <p className="member-partner-how muted">{t('memberPortal.partners.howRedeem', { partner })}</p>
      {confirming ? (
        <div className="member-partner-confirm">
          <p>{t('memberPortal.partners.confirm', { points: t('memberPortal.points', { count: offer.pointsCost, points: n(offer.pointsCost) }) })}</p>
          <Button variant="primary" onPress={() => void handleConfirm()} isDisabled={submit.pending}>{t('memberPortal.partners.confirmYes')}</Button>
          <Button variant="ghost" onPress={() => setConfirming(false)} isDisabled={submit.pending}>{t('common.cancel')}</Button>
        </div>
      ) : (
        <Button variant="primary" onPress={() => setConfirming(true)}>{t('memberPortal.partners.redeem')}</Button>
      )}
      {submit.error && <p className="field-error" role="alert">{submit.error.message}</p>}
    </>
  );
}
