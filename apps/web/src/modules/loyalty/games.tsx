// The loyalty page's games and prepaid credit: for the chosen program, its badges (a name in each
// language and an icon) and its challenges and streaks (what counts, how many in what window, the
// reward), with forms for managers; and every prepaid credit package with its bonus and how long the
// bonus lasts (paid credit never expires), which managers add, change the bonus expiry of and stop selling. Members' progress is on the member portal; the API does the rest.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateLoyaltyChallenge, LoyaltyGameTopic } from '@vafa/contracts';
import { useState } from 'react';
import { Form } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { formatMoney, formatNumber, toLatinDigits } from '../../lib/format.ts';
import { moneyUnitName, parseMoney } from '../../lib/money.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Badge, Button, DataTable, Dialog, PlusIcon, Select, TextField, UserText, useToast, type DataTableColumn } from '../../ui/index.ts';
import { loyaltyApi, loyaltyKeys, type Program } from './api.ts';
import { gameKeys, gamesApi, type Challenge, type CreditPackage, type GameBadge } from './games-api.ts';
import { BadgeIcon } from '../../ui/badge-icon.tsx';
import { localName } from './loyalty-format.ts';
import { canManageLoyalty } from './loyalty-roles.ts';
import './games.css';

const TOPICS: LoyaltyGameTopic[] = ['purchase', 'order.placed', 'response.submitted', 'referral.qualified'];
const ICONS = ['star', 'trophy', 'medal', 'heart', 'fire', 'crown', 'gem', 'rocket'];
type Names = { fa: string; ar: string; en: string };
const noNames = (): Names => ({ fa: '', ar: '', en: '' });

/** A whole number typed in any digits; null when it is not one. */
function whole(text: string): number | null {
  const latin = toLatinDigits(text.trim()).replace(/[,\u066C\u060C\s]/g, '');
  return /^[0-9]{1,12}$/.test(latin) ? Number(latin) : null;
}

const BONUS_EXPIRY_MAX = 3650;

/** The bonus expiry typed: empty is never (null), a whole number of days 1..3650 in any digits, else undefined (refused). */
function bonusExpiryDays(text: string): number | null | undefined {
  if (text.trim() === '') return null;
  const days = whole(text);
  return days !== null && days >= 1 && days <= BONUS_EXPIRY_MAX ? days : undefined;
}

function BonusExpiryField({ value, onChange, error }: { value: string; onChange: (v: string) => void; error?: string | undefined }) {
  const t = useT();
  return (
    <TextField label={t('loyalty.credit.expiryLabel')} value={value} onChange={onChange} inputMode="numeric" description={t('loyalty.credit.expiryHint')}
      {...(error ? { errorMessage: error } : {})} />
  );
}

function NameFields({ names, onChange, error }: { names: Names; onChange: (n: Names) => void; error?: string }) {
  const t = useT();
  return (
    <div className="games-fields">
      <TextField label={t('loyalty.games.nameFa')} value={names.fa} onChange={(fa) => onChange({ ...names, fa })} dir="rtl" errorMessage={error} />
      <TextField label={t('loyalty.games.nameAr')} value={names.ar} onChange={(ar) => onChange({ ...names, ar })} dir="rtl" />
      <TextField label={t('loyalty.games.nameEn')} value={names.en} onChange={(en) => onChange({ ...names, en })} dir="ltr" />
    </div>
  );
}

export function LoyaltyGames() {
  const t = useT();
  const session = useSession();
  const programs = useQuery({ queryKey: loyaltyKeys.programs, queryFn: loyaltyApi.programs });
  const active = (programs.data?.items ?? []).filter((p) => p.status === 'active');
  const [chosen, setChosen] = useState<string | null>(null);
  const program = active.find((p) => p.id === chosen) ?? active[0];
  const canEdit = canManageLoyalty(session.role);
  return (
    <section className="card loyalty-games" aria-labelledby="loyalty-games">
      <div className="card-head">
        <h2 id="loyalty-games">{t('loyalty.games.title')}</h2>
        {active.length > 1 && program && (
          <Select label={t('loyalty.games.program')} value={program.id} onChange={setChosen} options={active.map((p) => ({ id: p.id, label: p.name }))} />
        )}
      </div>
      <p className="muted">{t('loyalty.games.intro')}</p>
      {!program && !programs.isPending && <p className="muted">{t('loyalty.games.noProgram')}</p>}
      {program && <ProgramGames key={program.id} program={program} canEdit={canEdit} />}
    </section>
  );
}

function ProgramGames({ program, canEdit }: { program: Program; canEdit: boolean }) {
  const badges = useQuery({ queryKey: gameKeys.badges(program.id), queryFn: () => gamesApi.badges(program.id) });
  return (
    <>
      <Badges program={program} badges={badges.data?.items ?? []} canEdit={canEdit} />
      <Challenges program={program} badges={badges.data?.items ?? []} canEdit={canEdit} />
    </>
  );
}

function Badges({ program, badges, canEdit }: { program: Program; badges: GameBadge[]; canEdit: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const client = useQueryClient();
  const toast = useToast();
  const save = useSubmit();
  const [open, setOpen] = useState(false);
  const [names, setNames] = useState<Names>(noNames);
  const [icon, setIcon] = useState('star');
  const [error, setError] = useState<string | undefined>();
  const handleSave = () => {
    if (!names.fa.trim() || !names.ar.trim() || !names.en.trim()) return setError(t('loyalty.games.error.names'));
    setError(undefined);
    void save.run(async () => {
      await gamesApi.createBadge(program.id, { name: names, icon });
      await client.invalidateQueries({ queryKey: gameKeys.badges(program.id) });
      setOpen(false);
      setNames(noNames());
      toast(t('loyalty.games.badgeSaved'));
    });
  };
  return (
    <div className="games-block">
      <div className="card-head">
        <h3>{t('loyalty.games.badges')}</h3>
        {canEdit && !open && <Button onPress={() => setOpen(true)}><PlusIcon />{t('loyalty.games.newBadge')}</Button>}
      </div>
      {badges.length === 0 ? <p className="muted">{t('loyalty.games.noBadges')}</p> : (
        <ul className="games-badges">
          {badges.map((b) => (
            <li key={b.id}><span className="games-glyph"><BadgeIcon icon={b.icon} /></span><UserText>{localName(b.name, prefs.language)}</UserText></li>
          ))}
        </ul>
      )}
      {open && (
        <Form className="games-form" onSubmit={(e) => { e.preventDefault(); handleSave(); }}>
          <NameFields names={names} onChange={setNames} error={error} />
          <Select label={t('loyalty.games.icon')} value={icon} onChange={setIcon}
            options={ICONS.map((i) => ({ id: i, label: t(`loyalty.games.iconName.${i}` as 'loyalty.games.iconName.star') }))} />
          {save.error && <p className="form-error" role="alert">{save.error.message}</p>}
          <div className="form-actions">
            <Button type="submit" variant="primary" isPending={save.pending}>{t('common.save')}</Button>
            <Button variant="ghost" onPress={() => setOpen(false)}>{t('common.cancel')}</Button>
          </div>
        </Form>
      )}
    </div>
  );
}

function useRuleText() {
  const t = useT();
  const prefs = usePrefs();
  const n = (v: number) => formatNumber(v, prefs);
  return (c: Pick<Challenge, 'kind' | 'topic' | 'target' | 'window' | 'filter'>) => {
    const what = t(`loyalty.games.topicName.${c.topic}` as 'loyalty.games.topicName.purchase');
    const parts: string[] = [];
    if (c.kind === 'streak') {
      const period = c.window.kind === 'calendar' ? c.window.period : 'week';
      parts.push(t(`loyalty.games.rule.streak.${period}`, { count: c.target, target: n(c.target), what }));
    } else if (c.window.kind === 'rolling') {
      parts.push(t('loyalty.games.rule.rolling', { target: n(c.target), what, days: n(c.window.days) }));
    } else {
      parts.push(t(`loyalty.games.rule.calendar.${c.window.period}`, { target: n(c.target), what }));
    }
    if (c.filter.minAmountMinor !== undefined) parts.push(t('loyalty.games.rule.minAmount', { amount: formatMoney(c.filter.minAmountMinor, prefs.currency, prefs, prefs.irrDisplay) }));
    if (c.filter.category !== undefined) parts.push(t('loyalty.games.rule.category', { category: c.filter.category }));
    if (c.filter.surveyIds) parts.push(t('loyalty.games.rule.surveys', { count: c.filter.surveyIds.length, surveys: n(c.filter.surveyIds.length) }));
    return parts.join(' ');
  };
}

function Challenges({ program, badges, canEdit }: { program: Program; badges: GameBadge[]; canEdit: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const client = useQueryClient();
  const toggle = useSubmit();
  const challenges = useQuery({ queryKey: gameKeys.challenges(program.id), queryFn: () => gamesApi.challenges(program.id) });
  const [open, setOpen] = useState(false);
  const ruleText = useRuleText();
  const badgeName = (id: string | null) => { const b = badges.find((x) => x.id === id); return b ? localName(b.name, prefs.language) : null; };
  const handleToggle = (c: Challenge) => void toggle.run(async () => {
    await gamesApi.updateChallenge(program.id, c.id, { active: !c.active });
    await client.invalidateQueries({ queryKey: gameKeys.challenges(program.id) });
  });
  const columns: DataTableColumn<Challenge>[] = [
    { id: 'name', header: t('loyalty.games.challengeName'), isPrimary: true, cell: (c) => <UserText>{localName(c.name, prefs.language)}</UserText> },
    { id: 'rule', header: t('loyalty.games.rule.title'), cell: (c) => ruleText(c) },
    {
      id: 'reward', header: t('loyalty.games.reward'),
      cell: (c) => [c.rewardPoints > 0 ? t('memberPortal.points', { count: c.rewardPoints, points: formatNumber(c.rewardPoints, prefs) }) : null, badgeName(c.badgeId)].filter(Boolean).join(' + '),
    },
    {
      id: 'state', header: t('loyalty.games.state'),
      cell: (c) => (
        <span className="games-state">
          <Badge tone={c.active ? 'good' : 'neutral'}>{t(c.active ? 'loyalty.games.running' : 'loyalty.games.paused')}</Badge>
          {canEdit && <Button variant="ghost" onPress={() => handleToggle(c)} isDisabled={toggle.pending}>{t(c.active ? 'loyalty.games.pause' : 'loyalty.games.resume')}</Button>}
        </span>
      ),
    },
  ];
  return (
    <div className="games-block">
      <div className="card-head">
        <h3>{t('loyalty.games.challenges')}</h3>
        {canEdit && !open && <Button onPress={() => setOpen(true)}><PlusIcon />{t('loyalty.games.newChallenge')}</Button>}
      </div>
      {open && <ChallengeForm program={program} badges={badges} onDone={() => setOpen(false)} />}
      {toggle.error && <p className="form-error" role="alert">{toggle.error.message}</p>}
      <DataTable
        label={t('loyalty.games.challenges')}
        columns={columns}
        rows={challenges.data?.items ?? []}
        rowKey={(c) => c.id}
        isLoading={challenges.isPending}
        error={challenges.isError ? { detail: challenges.error.message, onRetry: () => void challenges.refetch() } : null}
        empty={{ title: t('loyalty.games.noChallenges'), body: t('loyalty.games.noChallengesBody') }}
      />
    </div>
  );
}

type WindowChoice = 'rolling' | 'week' | 'month';

function ChallengeForm({ program, badges, onDone }: { program: Program; badges: GameBadge[]; onDone: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const client = useQueryClient();
  const toast = useToast();
  const save = useSubmit();
  const ruleText = useRuleText();
  const [kind, setKind] = useState<'count' | 'streak'>('count');
  const [names, setNames] = useState<Names>(noNames);
  const [topic, setTopic] = useState<LoyaltyGameTopic>('purchase');
  const [target, setTarget] = useState('');
  const [windowChoice, setWindowChoice] = useState<WindowChoice>('month');
  const [days, setDays] = useState('');
  const [minAmount, setMinAmount] = useState('');
  const [category, setCategory] = useState('');
  const [points, setPoints] = useState('');
  const [badgeId, setBadgeId] = useState<string>('none');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const unit = moneyUnitName(prefs.currency, prefs.irrDisplay, prefs.language);
  const amountFilter = topic === 'purchase' || topic === 'order.placed';

  const build = (): CreateLoyaltyChallenge | Record<string, string> => {
    const found: Record<string, string> = {};
    if (!names.fa.trim() || !names.ar.trim() || !names.en.trim()) found.names = t('loyalty.games.error.names');
    const n = whole(target);
    if (n === null || n < 1 || n > 1000) found.target = t('loyalty.games.error.target');
    const d = whole(days);
    if (kind === 'count' && windowChoice === 'rolling' && (d === null || d < 1 || d > 366)) found.days = t('loyalty.games.error.days');
    const reward = points.trim() === '' ? 0 : whole(points);
    if (reward === null) found.points = t('loyalty.games.error.points');
    if (reward === 0 && badgeId === 'none') found.points = t('loyalty.games.error.reward');
    const filter: CreateLoyaltyChallenge['filter'] = {};
    if (amountFilter && minAmount.trim() !== '') {
      const money = parseMoney(minAmount, prefs.currency, prefs.irrDisplay);
      if ('error' in money) found.minAmount = t('loyalty.games.error.amount');
      else filter.minAmountMinor = money.minor;
    }
    if (topic === 'purchase' && category.trim() !== '') filter.category = category.trim();
    if (Object.keys(found).length > 0) return found;
    const common = { name: names, topic, filter, target: n!, rewardPoints: reward!, badgeId: badgeId === 'none' ? null : badgeId, active: true };
    if (kind === 'streak') return { kind, ...common, window: { kind: 'calendar', period: windowChoice === 'month' ? 'month' : 'week' } };
    return { kind, ...common, window: windowChoice === 'rolling' ? { kind: 'rolling', days: d! } : { kind: 'calendar', period: windowChoice } };
  };
  const draft = build();
  const preview = 'kind' in draft && typeof draft.kind === 'string' && (draft.kind === 'count' || draft.kind === 'streak') ? ruleText(draft as CreateLoyaltyChallenge & Challenge) : null;

  const handleSave = () => {
    const built = build();
    if (!('topic' in built) || typeof built.topic !== 'string' || !('window' in built)) return setErrors(built as Record<string, string>);
    setErrors({});
    void save.run(async () => {
      await gamesApi.createChallenge(program.id, built as CreateLoyaltyChallenge);
      await client.invalidateQueries({ queryKey: gameKeys.challenges(program.id) });
      toast(t('loyalty.games.challengeSaved'));
      onDone();
    });
  };
  const windowOptions: { id: WindowChoice; label: string }[] = kind === 'streak'
    ? [{ id: 'week', label: t('loyalty.games.window.weeks') }, { id: 'month', label: t('loyalty.games.window.months') }]
    : [{ id: 'rolling', label: t('loyalty.games.window.rolling') }, { id: 'week', label: t('loyalty.games.window.week') }, { id: 'month', label: t('loyalty.games.window.month') }];

  return (
    <Form className="games-form" onSubmit={(e) => { e.preventDefault(); handleSave(); }}>
      <Select label={t('loyalty.games.kind')} value={kind} onChange={(k) => { setKind(k); if (k === 'streak' && windowChoice === 'rolling') setWindowChoice('week'); }}
        options={[{ id: 'count' as const, label: t('loyalty.games.kindName.count') }, { id: 'streak' as const, label: t('loyalty.games.kindName.streak') }]} />
      <NameFields names={names} onChange={setNames} error={errors.names} />
      <div className="games-fields">
        <Select label={t('loyalty.games.topic')} value={topic} onChange={setTopic}
          options={TOPICS.map((x) => ({ id: x, label: t(`loyalty.games.topicName.${x}` as 'loyalty.games.topicName.purchase') }))} />
        <TextField label={t(kind === 'streak' ? 'loyalty.games.targetPeriods' : 'loyalty.games.target')} value={target} onChange={setTarget} inputMode="numeric" errorMessage={errors.target} />
        <Select label={t('loyalty.games.window.title')} value={windowChoice} onChange={setWindowChoice} options={windowOptions} />
        {kind === 'count' && windowChoice === 'rolling' && <TextField label={t('loyalty.games.days')} value={days} onChange={setDays} inputMode="numeric" errorMessage={errors.days} />}
        {amountFilter && <TextField label={t('loyalty.games.minAmount', { unit })} value={minAmount} onChange={setMinAmount} inputMode="numeric" errorMessage={errors.minAmount} />}
        {topic === 'purchase' && <TextField label={t('loyalty.games.category')} value={category} onChange={setCategory} dir="auto" description={t('loyalty.games.categoryHint')} />}
        <TextField label={t('loyalty.games.rewardPoints')} value={points} onChange={setPoints} inputMode="numeric" errorMessage={errors.points} />
        <Select label={t('loyalty.games.badge')} value={badgeId} onChange={setBadgeId}
          options={[{ id: 'none', label: t('loyalty.games.noBadge') }, ...badges.map((b) => ({ id: b.id, label: localName(b.name, prefs.language) }))]} />
      </div>
      {preview && <p className="games-preview" aria-live="polite">{preview}</p>}
      {save.error && <p className="form-error" role="alert">{save.error.message}</p>}
      <div className="form-actions">
        <Button type="submit" variant="primary" isPending={save.pending}>{t('common.save')}</Button>
        <Button variant="ghost" onPress={onDone}>{t('common.cancel')}</Button>
      </div>
    </Form>
  );
}

/** Every prepaid credit package: what the member pays, the credit it gives and the bonus in it. */
export function CreditPackages() {
  const t = useT();
  const prefs = usePrefs();
  const session = useSession();
  const client = useQueryClient();
  const toggle = useSubmit();
  const packages = useQuery({ queryKey: gameKeys.packages, queryFn: gamesApi.packages });
  const programs = useQuery({ queryKey: loyaltyKeys.programs, queryFn: loyaltyApi.programs });
  const active = (programs.data?.items ?? []).filter((p) => p.status === 'active');
  const canEdit = canManageLoyalty(session.role);
  const [open, setOpen] = useState(false);
  const [changing, setChanging] = useState<CreditPackage | null>(null);
  const money = (minor: number, currency: string) => formatMoney(minor, currency, prefs, prefs.irrDisplay);
  const handleToggle = (p: CreditPackage) => void toggle.run(async () => {
    await gamesApi.updatePackage(p.programId, p.id, { active: !p.active });
    await client.invalidateQueries({ queryKey: gameKeys.packages });
  });
  const columns: DataTableColumn<CreditPackage>[] = [
    { id: 'name', header: t('loyalty.credit.name'), isPrimary: true, cell: (p) => <UserText>{localName(p.name, prefs.language)}</UserText> },
    { id: 'price', header: t('loyalty.credit.price'), align: 'end', cell: (p) => money(p.priceMinor, p.currency) },
    { id: 'credit', header: t('loyalty.credit.credit'), align: 'end', cell: (p) => money(p.creditMinor, p.currency) },
    {
      id: 'bonus', header: t('loyalty.credit.bonus'), align: 'end',
      cell: (p) => (p.bonusMinor === 0 ? '—' : t('loyalty.credit.bonusText', { amount: money(p.bonusMinor, p.currency), percent: formatNumber(Math.round((p.bonusMinor * 1000) / p.priceMinor) / 10, prefs) })),
    },
    {
      id: 'expiry', header: t('loyalty.credit.bonusExpiry'),
      cell: (p) => (
        <span className="games-state">
          <span>{p.bonusExpiryDays === null ? t('loyalty.credit.expiryNever') : t('loyalty.credit.expiryAfter', { count: p.bonusExpiryDays, days: formatNumber(p.bonusExpiryDays, prefs) })}</span>
          {canEdit && p.bonusMinor > 0 && <Button variant="ghost" onPress={() => setChanging(p)}>{t('loyalty.credit.changeExpiry')}</Button>}
        </span>
      ),
    },
    {
      id: 'state', header: t('loyalty.games.state'),
      cell: (p) => (
        <span className="games-state">
          <Badge tone={p.active ? 'good' : 'neutral'}>{t(p.active ? 'loyalty.credit.onSale' : 'loyalty.credit.stopped')}</Badge>
          {canEdit && <Button variant="ghost" onPress={() => handleToggle(p)} isDisabled={toggle.pending}>{t(p.active ? 'loyalty.credit.stop' : 'loyalty.credit.resume')}</Button>}
        </span>
      ),
    },
  ];
  return (
    <section className="card loyalty-games" aria-labelledby="loyalty-credit">
      <div className="card-head">
        <h2 id="loyalty-credit">{t('loyalty.credit.title')}</h2>
        {canEdit && !open && active.length > 0 && <Button onPress={() => setOpen(true)}><PlusIcon />{t('loyalty.credit.new')}</Button>}
      </div>
      <p className="muted">{t('loyalty.credit.intro')}</p>
      {open && <PackageForm programs={active} onDone={() => setOpen(false)} />}
      {toggle.error && <p className="form-error" role="alert">{toggle.error.message}</p>}
      {changing && <ExpiryDialog pkg={changing} onClose={() => setChanging(null)} />}
      <DataTable
        label={t('loyalty.credit.title')}
        columns={columns}
        rows={packages.data?.items ?? []}
        rowKey={(p) => p.id}
        isLoading={packages.isPending}
        error={packages.isError ? { detail: packages.error.message, onRetry: () => void packages.refetch() } : null}
        empty={{ title: t('loyalty.credit.empty'), body: t('loyalty.credit.emptyBody') }}
      />
    </section>
  );
}

function PackageForm({ programs, onDone }: { programs: Program[]; onDone: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const client = useQueryClient();
  const toast = useToast();
  const save = useSubmit();
  const [programId, setProgramId] = useState(programs[0]!.id);
  const [names, setNames] = useState<Names>(noNames);
  const [price, setPrice] = useState('');
  const [credit, setCredit] = useState('');
  const [expiry, setExpiry] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const unit = moneyUnitName(prefs.currency, prefs.irrDisplay, prefs.language);
  const parsedPrice = parseMoney(price, prefs.currency, prefs.irrDisplay);
  const parsedCredit = parseMoney(credit, prefs.currency, prefs.irrDisplay);
  const bonus = 'minor' in parsedPrice && 'minor' in parsedCredit && parsedPrice.minor > 0 && parsedCredit.minor >= parsedPrice.minor
    ? parsedCredit.minor - parsedPrice.minor : null;
  const handleSave = () => {
    const found: Record<string, string> = {};
    if (!names.fa.trim() || !names.ar.trim() || !names.en.trim()) found.names = t('loyalty.games.error.names');
    if (!('minor' in parsedPrice) || parsedPrice.minor <= 0) found.price = t('loyalty.games.error.amount');
    if (!('minor' in parsedCredit) || ('minor' in parsedPrice && parsedCredit.minor < parsedPrice.minor)) found.credit = t('loyalty.credit.error.credit');
    const days = bonusExpiryDays(expiry);
    if (days === undefined) found.expiry = t('loyalty.credit.error.expiry', { min: formatNumber(1, prefs), max: formatNumber(BONUS_EXPIRY_MAX, prefs) });
    setErrors(found);
    if (Object.keys(found).length > 0 || !('minor' in parsedPrice) || !('minor' in parsedCredit) || days === undefined) return;
    void save.run(async () => {
      await gamesApi.createPackage(programId, { name: names, priceMinor: parsedPrice.minor, creditMinor: parsedCredit.minor, bonusExpiryDays: days, active: true });
      await client.invalidateQueries({ queryKey: gameKeys.packages });
      toast(t('loyalty.credit.saved'));
      onDone();
    });
  };
  return (
    // aria validation: a field shown invalid must not block the next submit natively (the bonus expiry corrected after a refusal).
    <Form className="games-form" validationBehavior="aria" onSubmit={(e) => { e.preventDefault(); handleSave(); }}>
      {programs.length > 1 && <Select label={t('loyalty.games.program')} value={programId} onChange={setProgramId} options={programs.map((p) => ({ id: p.id, label: p.name }))} />}
      <NameFields names={names} onChange={setNames} error={errors.names} />
      <div className="games-fields">
        <TextField label={t('loyalty.credit.priceLabel', { unit })} value={price} onChange={setPrice} inputMode="numeric" errorMessage={errors.price} />
        <TextField label={t('loyalty.credit.creditLabel', { unit })} value={credit} onChange={setCredit} inputMode="numeric" errorMessage={errors.credit}
          description={t('loyalty.credit.creditHint')} />
        <BonusExpiryField value={expiry} onChange={setExpiry} error={errors.expiry ?? save.error?.fieldErrors.bonusExpiryDays} />
      </div>
      {bonus !== null && <p className="games-preview" aria-live="polite">{t('loyalty.credit.bonusPreview', { amount: formatMoney(bonus, prefs.currency, prefs, prefs.irrDisplay) })}</p>}
      {save.error && <p className="form-error" role="alert">{save.error.message}</p>}
      <div className="form-actions">
        <Button type="submit" variant="primary" isPending={save.pending}>{t('common.save')}</Button>
        <Button variant="ghost" onPress={onDone}>{t('common.cancel')}</Button>
      </div>
    </Form>
  );
}

/** A package's bonus expiry changed: for purchases from now on (bonus already bought keeps its date). */
function ExpiryDialog({ pkg, onClose }: { pkg: CreditPackage; onClose: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const client = useQueryClient();
  const toast = useToast();
  const save = useSubmit();
  const [expiry, setExpiry] = useState(pkg.bonusExpiryDays === null ? '' : formatNumber(pkg.bonusExpiryDays, prefs));
  const [error, setError] = useState<string | undefined>(undefined);
  const handleSave = () => {
    const days = bonusExpiryDays(expiry);
    if (days === undefined) {
      setError(t('loyalty.credit.error.expiry', { min: formatNumber(1, prefs), max: formatNumber(BONUS_EXPIRY_MAX, prefs) }));
      return;
    }
    setError(undefined);
    void save.run(async () => {
      await gamesApi.updatePackage(pkg.programId, pkg.id, { bonusExpiryDays: days });
      await client.invalidateQueries({ queryKey: gameKeys.packages });
      toast(t('loyalty.credit.expirySaved'));
      onClose();
    });
  };
  return (
    <Dialog title={t('loyalty.credit.expiryTitle')} isOpen onOpenChange={(isOpen) => !isOpen && onClose()} size="small">
      <Form className="form" validationBehavior="aria" onSubmit={(e) => { e.preventDefault(); handleSave(); }} data-testid="bonus-expiry-form">
        <p><UserText>{localName(pkg.name, prefs.language)}</UserText></p>
        <BonusExpiryField value={expiry} onChange={setExpiry} error={error ?? save.error?.fieldErrors.bonusExpiryDays} />
        <p className="muted">{t('loyalty.credit.expiryChangeNote')}</p>
        {save.error && !save.error.fieldErrors.bonusExpiryDays && <p className="form-error" role="alert">{save.error.message}</p>}
        <div className="form-actions">
          <Button type="submit" variant="primary" isPending={save.pending}>{t('common.save')}</Button>
          <Button variant="ghost" onPress={onClose}>{t('common.cancel')}</Button>
        </div>
      </Form>
    </Dialog>
  );
}
