// The member portal's games card: prepaid credit (paid and bonus), badges held, each challenge's
// progress in its window and each streak. Its own fetch; nothing shows when the workspace has no
// games and the member no credit.
import { useParams } from '@tanstack/react-router';
import type { MemberPortalGamesView } from '@vafa/contracts';
import { useEffect, useState } from 'react';
import { useT } from '../../i18n/useT.ts';
import { formatInstant, formatMoney, formatNumber, type DisplayPrefs } from '../../lib/format.ts';
import type { IrrDisplay } from '../../lib/money.ts';
import { BadgeIcon } from '../../ui/badge-icon.tsx';
import './member-games.css';

type Display = Pick<DisplayPrefs, 'language' | 'digits' | 'calendar' | 'timeZone'>;

export function MemberGames({ display, irrDisplay }: { display: Display; irrDisplay: IrrDisplay }) {
  const t = useT();
  const { workspace } = useParams({ strict: false }) as { workspace?: string };
  const [view, setView] = useState<MemberPortalGamesView | null>(null);
  useEffect(() => {
    if (!workspace) return;
    let live = true;
    void fetch(`/api/public/loyalty/${encodeURIComponent(workspace)}/games`, {
      credentials: 'same-origin', headers: { 'Accept-Language': display.language, Accept: 'application/json' },
    }).then(async (r) => { if (r.ok && live) setView(await r.json() as MemberPortalGamesView); }).catch(() => undefined);
    return () => { live = false; };
  }, [workspace, display.language]);
  if (!view) return null;
  const { games, credit } = view;
  const n = (v: number) => formatNumber(v, display);
  const name = (x: { fa: string; ar: string; en: string }) => x[display.language] || x.fa || x.en;
  const money = (minor: number) => formatMoney(minor, credit!.currency, display, irrDisplay);
  const empty = !credit && games.badges.length === 0 && games.challenges.length === 0 && games.streaks.length === 0;
  if (empty) return null;

  return (
    <>
      {credit && (
        <section className="portal-card" aria-labelledby="mp-credit" data-testid="member-credit">
          <h2 id="mp-credit">{t('memberPortal.creditTitle')}</h2>
          <p className="member-credit-total">{money(credit.totalMinor)}</p>
          <dl className="portal-facts">
            <div><dt>{t('memberPortal.creditPaid')}</dt><dd>{money(credit.paidMinor)}</dd></div>
            <div><dt>{t('memberPortal.creditBonus')}</dt><dd>{money(credit.bonusMinor)}</dd></div>
          </dl>
        </section>
      )}
      {(games.badges.length > 0 || games.challenges.length > 0 || games.streaks.length > 0) && (
        <section className="portal-card" aria-labelledby="mp-games" data-testid="member-games">
          <h2 id="mp-games">{t('memberPortal.gamesTitle')}</h2>
          {games.badges.length > 0 && (
            <ul className="member-badges" aria-label={t('memberPortal.badges')}>
              {games.badges.map((b) => (
                <li key={b.badgeId}><span className="member-badge-glyph"><BadgeIcon icon={b.icon} /></span><bdi>{name(b.name)}</bdi></li>
              ))}
            </ul>
          )}
          {games.challenges.map((c) => {
            const done = Math.min(c.count, c.target);
            return (
              <div key={c.challengeId} className="member-challenge">
                <div className="member-challenge-head">
                  <bdi className="member-challenge-name">{name(c.name)}</bdi>
                  <span className="member-challenge-count">{t('memberPortal.challengeCount', { done: n(done), target: n(c.target) })}</span>
                </div>
                <div className="member-progress" role="progressbar" aria-valuemin={0} aria-valuemax={c.target} aria-valuenow={done}
                  aria-valuetext={t('memberPortal.challengeCount', { done: n(done), target: n(c.target) })} aria-label={name(c.name)}>
                  <span style={{ inlineSize: `${(done / c.target) * 100}%` }} />
                </div>
                <p className="muted">
                  {c.completedThisPeriod ? t('memberPortal.challengeDone') : c.rewardPoints > 0 ? t('memberPortal.challengeReward', { points: t('memberPortal.points', { count: c.rewardPoints, points: n(c.rewardPoints) }) }) : null}
                  {c.windowEndsAt && <> {t('memberPortal.challengeEnds', { date: formatInstant(new Date(Date.parse(c.windowEndsAt) - 1).toISOString(), { ...display } as DisplayPrefs, false) })}</>}
                  {c.window.kind === 'rolling' && <> {t('memberPortal.challengeRolling', { days: n(c.window.days) })}</>}
                </p>
              </div>
            );
          })}
          {games.streaks.map((s) => (
            <div key={s.challengeId} className="member-challenge">
              <div className="member-challenge-head">
                <span className="member-challenge-name"><span className="member-badge-glyph"><BadgeIcon icon="fire" size={18} /></span> <bdi>{name(s.name)}</bdi></span>
                <span className="member-challenge-count">{t(`memberPortal.streak.${s.period}`, { count: s.current, periods: n(s.current) })}</span>
              </div>
              <p className="muted">
                {t('memberPortal.streakLongest', { periods: t(`memberPortal.streak.${s.period}`, { count: s.longest, periods: n(s.longest) }) })}
                {' '}{s.thisPeriodDone ? t(`memberPortal.streakDone.${s.period}`) : t(`memberPortal.streakTodo.${s.period}`)}
              </p>
            </div>
          ))}
        </section>
      )}
    </>
  );
}
