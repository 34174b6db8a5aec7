import { LoyaltyFinanceReport, LoyaltyFinanceSettingsView, LoyaltyPeriodQuery, UpdateLoyaltyFinanceSettings } from '@vafa/contracts';
import { csvDownloadHeaders } from '../../platform/csv/csv-writer.ts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { financeReportCsv } from './finance.csv.ts';
import { financeReport, getFinanceSettings, putFinanceSettings } from './finance.service.ts';

const TAGS = ['loyalty'];
const DEFINITIONS =
  'Liability: members\' available, pending and held points as at the period\'s end (now, for a period not over), at the workspace\'s point value (minor units, a decimal string, rounded half away from zero). ' +
  'Issued: points the issuance account gave members in the period; returned: what it took back (returns, reversed earns); netIssued = issued - returned. ' +
  'Redeemed, expired, donated: the net movement of the redemptions, breakage and charity_payable accounts in the period. ' +
  'Breakage rate = expired / netIssued, redemption rate = redeemed / netIssued, flows of the same period in basis points (a period ratio, not a cohort one: it can pass 100%). ' +
  'Tiers: members per tier as at the end by their last tier change; upgrades and downgrades made in the period. Payables: the charity_payable and partner_payable balances as at the end.';

/** The finance report and the point value it is priced at: finance, owners and admins (loyalty:finance). Reads only, but the settings. */
export function registerLoyaltyFinanceRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/loyalty/finance/settings', {
    config: { access: 'loyalty:finance' },
    schema: {
      tags: TAGS, summary: 'The point value the finance report prices the liability at', operationId: 'getLoyaltyFinanceSettings',
      response: { 200: LoyaltyFinanceSettingsView },
    },
  }, async (req) => getFinanceSettings(db, req.tenantId));

  app.put('/api/loyalty/finance/settings', {
    config: { access: 'loyalty:finance' },
    schema: {
      tags: TAGS, summary: 'Set the point value', operationId: 'putLoyaltyFinanceSettings',
      description: '`pointValue`: `points` points are worth `minor` minor units of the workspace currency (one value for the workspace: every program earns into its one ledger); null clears it. Audited.',
      body: UpdateLoyaltyFinanceSettings, response: { 200: LoyaltyFinanceSettingsView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await putFinanceSettings(tx, req.tenantId, req.actor!, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/finance/report', {
    config: { access: 'loyalty:finance' },
    schema: {
      tags: TAGS, summary: 'Points liability, breakage, redemption, tiers and payables for a period of the workspace calendar', operationId: 'getLoyaltyFinanceReport',
      description: `A month, quarter or year of the workspace's calendar (Solar Hijri, Umm al-Qura or Gregorian), from local midnight of its first day to local midnight after its last, in the workspace's time zone. ${DEFINITIONS}`,
      querystring: LoyaltyPeriodQuery, response: { 200: LoyaltyFinanceReport },
    },
  }, async (req) => financeReport(db, req.tenantId, req.query, new Date()));

  app.get('/api/loyalty/finance/report.csv', {
    config: { access: 'loyalty:finance' },
    schema: {
      tags: TAGS, summary: 'The finance report as CSV (UTF-8 with BOM), labels in `lang`', operationId: 'exportLoyaltyFinanceReportCsv',
      description: 'Two columns, the figure and its value; values in ASCII digits (minor units, ISO instants, rates in percent with two decimals).',
      querystring: LoyaltyPeriodQuery, produces: ['text/csv'],
    },
  }, async (req, reply) => {
    const report = await financeReport(db, req.tenantId, req.query, new Date());
    const name = `loyalty-finance-${report.period.year}${report.period.index === null ? '' : `-${report.period.index}`}.csv`;
    return reply.headers(csvDownloadHeaders(name)).send(financeReportCsv(report, req.query.lang ?? req.locale));
  });
}
