import type { LoyaltyFinanceReport } from '@vafa/contracts';
import type { Readable } from 'node:stream';
import { csvStream, type CsvCell } from '../../platform/csv/csv-writer.ts';
import type { Locale } from '../../platform/i18n/locale.ts';

// The finance report as a two-column CSV (figure, value) in UTF-8 with a BOM, labels in the chosen
// language. Values stay machine-readable (ASCII digits, minor units, ISO instants) so a
// spreadsheet sums them; rates are percentages with two decimals.

const LABELS = {
  figure: { fa: 'شاخص', ar: 'المؤشر', en: 'Figure' },
  value: { fa: 'مقدار', ar: 'القيمة', en: 'Value' },
  period: { fa: 'دوره', ar: 'الفترة', en: 'Period' },
  calendar: { fa: 'تقویم', ar: 'التقويم', en: 'Calendar' },
  timeZone: { fa: 'منطقه‌ی زمانی', ar: 'المنطقة الزمنية', en: 'Time zone' },
  from: { fa: 'از (UTC)', ar: 'من (UTC)', en: 'From (UTC)' },
  to: { fa: 'تا (UTC)', ar: 'إلى (UTC)', en: 'To (UTC)' },
  asOf: { fa: 'مانده‌ها در (UTC)', ar: 'الأرصدة في (UTC)', en: 'Balances as of (UTC)' },
  currency: { fa: 'واحد پول', ar: 'العملة', en: 'Currency' },
  pointValue: { fa: 'ارزش امتیاز (امتیاز = واحد خرد پول)', ar: 'قيمة النقاط (نقاط = وحدات صغرى)', en: 'Point value (points = minor units)' },
  available: { fa: 'بدهی: امتیاز قابل خرج', ar: 'الالتزام: نقاط متاحة', en: 'Liability: available points' },
  pending: { fa: 'بدهی: امتیاز در انتظار', ar: 'الالتزام: نقاط معلقة', en: 'Liability: pending points' },
  held: { fa: 'بدهی: امتیاز رزروشده', ar: 'الالتزام: نقاط محجوزة', en: 'Liability: held points' },
  liabilityPoints: { fa: 'بدهی امتیازی: جمع امتیاز', ar: 'الالتزام: مجموع النقاط', en: 'Liability: total points' },
  liabilityMinor: { fa: 'بدهی امتیازی: مبلغ (واحد خرد)', ar: 'الالتزام: المبلغ (وحدات صغرى)', en: 'Liability: amount (minor units)' },
  issued: { fa: 'امتیاز صادرشده', ar: 'النقاط الصادرة', en: 'Points issued' },
  returned: { fa: 'امتیاز برگشتی', ar: 'النقاط المستردة', en: 'Points returned' },
  netIssued: { fa: 'صادرشده‌ی خالص', ar: 'صافي الصادر', en: 'Net issued' },
  redeemed: { fa: 'امتیاز خرج‌شده', ar: 'النقاط المستبدلة', en: 'Points redeemed' },
  expired: { fa: 'امتیاز منقضی (بی‌استفاده)', ar: 'النقاط المنتهية', en: 'Points expired (breakage)' },
  donated: { fa: 'امتیاز اهداشده', ar: 'النقاط المتبرع بها', en: 'Points donated' },
  writtenOff: { fa: 'امتیاز سوخت‌شده (زیان)', ar: 'النقاط المشطوبة (خسارة)', en: 'Points written off (loss)' },
  owed: { fa: 'بدهی اعضا (امتیاز)', ar: 'ديون الأعضاء (نقاط)', en: 'Owed by members (points)' },
  breakageRate: { fa: 'نرخ انقضا (درصد)', ar: 'معدل الانتهاء (%)', en: 'Breakage rate (%)' },
  redemptionRate: { fa: 'نرخ خرج (درصد)', ar: 'معدل الاستبدال (%)', en: 'Redemption rate (%)' },
  charityPoints: { fa: 'بدهی به خیریه‌ها: امتیاز', ar: 'مستحق للجمعيات: نقاط', en: 'Owed to charities: points' },
  charityMinor: { fa: 'بدهی به خیریه‌ها: مبلغ (واحد خرد)', ar: 'مستحق للجمعيات: المبلغ (وحدات صغرى)', en: 'Owed to charities: amount (minor units)' },
  charity: { fa: 'خیریه', ar: 'جمعية', en: 'Charity' },
  partnerPoints: { fa: 'بدهی به شریکان: امتیاز', ar: 'مستحق للشركاء: نقاط', en: 'Owed to partners: points' },
  partnerMinor: { fa: 'بدهی به شریکان: مبلغ (واحد خرد)', ar: 'مستحق للشركاء: المبلغ (وحدات صغرى)', en: 'Owed to partners: amount (minor units)' },
  tier: { fa: 'اعضای سطح', ar: 'أعضاء المستوى', en: 'Members in tier' },
  upgrades: { fa: 'ارتقای سطح', ar: 'ترقيات المستوى', en: 'Tier upgrades' },
  downgrades: { fa: 'تنزل سطح', ar: 'تخفيضات المستوى', en: 'Tier downgrades' },
} as const satisfies Record<string, Record<Locale, string>>;

const PERIOD_KINDS = { month: { fa: 'ماه', ar: 'شهر', en: 'month' }, quarter: { fa: 'فصل', ar: 'ربع', en: 'quarter' }, year: { fa: 'سال', ar: 'سنة', en: 'year' } } as const;

const percent = (bp: number | null) => (bp === null ? '' : (bp / 100).toFixed(2));

export function financeReportCsv(report: LoyaltyFinanceReport, lang: Locale): Readable {
  const l = (key: keyof typeof LABELS) => LABELS[key][lang];
  const p = report.period;
  const rows: CsvCell[][] = [
    [l('period'), `${PERIOD_KINDS[p.kind][lang]} ${p.year}${p.index === null ? '' : `-${p.index}`}`],
    [l('calendar'), p.calendar],
    [l('timeZone'), p.timeZone],
    [l('from'), p.from],
    [l('to'), p.to],
    [l('asOf'), p.asOf],
    [l('currency'), report.currency],
    [l('pointValue'), report.pointValue ? `${report.pointValue.points} = ${report.pointValue.minor}` : ''],
    [l('available'), report.liability.available],
    [l('pending'), report.liability.pending],
    [l('held'), report.liability.held],
    [l('liabilityPoints'), report.liability.points],
    [l('liabilityMinor'), report.liability.minor ?? ''],
    [l('owed'), report.liability.owedByMembers],
    [l('issued'), report.flows.issued],
    [l('returned'), report.flows.returned],
    [l('netIssued'), report.flows.netIssued],
    [l('redeemed'), report.flows.redeemed],
    [l('expired'), report.flows.expired],
    [l('donated'), report.flows.donated],
    [l('writtenOff'), report.flows.writtenOff],
    [l('breakageRate'), percent(report.breakageRate.basisPoints)],
    [l('redemptionRate'), percent(report.redemptionRate.basisPoints)],
    [l('charityPoints'), report.payables.charity.points],
    [l('charityMinor'), report.payables.charity.minor],
    ...report.payables.charity.byCharity.flatMap((c): CsvCell[][] => [[`${l('charity')}: ${c.name[lang]}`, c.points], [`${l('charity')}: ${c.name[lang]} (${l('charityMinor')})`, c.minor]]),
    [l('partnerPoints'), report.payables.partner.points],
    [l('partnerMinor'), report.payables.partner.minor ?? ''],
    ...report.tiers.flatMap((program): CsvCell[][] => [
      ...program.distribution.map((tier): CsvCell[] => [`${program.programName} · ${l('tier')}: ${tier.name[lang]}`, tier.members]),
      [`${program.programName} · ${l('upgrades')}`, program.upgrades],
      [`${program.programName} · ${l('downgrades')}`, program.downgrades],
    ]),
  ];
  return csvStream([l('figure'), l('value')], rows);
}
