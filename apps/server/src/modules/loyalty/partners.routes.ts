import {
  CorrectPartnerPayable, PartnerCorrectionList, PartnerCorrectionView,
  CreatePartner, CreatePartnerOffer, LoyaltyCustomerParams, MemberPartnerOfferList, PartnerEarn, PartnerList, PartnerOfferList, PartnerOfferParams, PartnerOfferView,
  PartnerParams, PartnerRedeem, PartnerTransactionView, PartnerView, SettlementQuery, SettlementReport, UpdatePartner, UpdatePartnerOffer,
} from '@vafa/contracts';
import { csvDownloadHeaders } from '../../platform/csv/csv-writer.ts';
import type { App } from '../../platform/http/server.ts';
import { requestLocale } from '../../platform/http/problem.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { recordAudit } from '../workspace/index.ts';
import { ledgerContext, requestKey } from './ledger.routes.ts';
import {
  correctPartnerPayable, listCorrections, createOffer, createPartner, earnAtPartner, getOffer, getPartner, listOffers, listPartners, memberOffers, redeemPartnerOffer, settlementCsv, settlementReport,
  updateOffer, updatePartner,
} from './partners.service.ts';

const keyed = 'Keyed by `externalId` (the partner\'s transaction id) or the `Idempotency-Key` header; without either, 400 `idempotency_key_required`. The same key again answers the first with 200; used for something else, 409 `external_id_conflict`.';

export function registerLoyaltyPartnerRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/loyalty/partners', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'], summary: 'Coalition partners', operationId: 'listLoyaltyPartners',
      description: 'Every partner, oldest first, with the points earned and redeemed there this calendar month (the workspace\'s calendar and time zone).',
      response: { 200: PartnerList },
    },
  }, async (req) => ({ items: await listPartners(db, req.tenantId, new Date()) }));

  app.post('/api/loyalty/partners', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: ['loyalty'], summary: 'Add a partner', operationId: 'createLoyaltyPartner',
      description: 'A name in fa, ar and/or en, a contact, the billing model (`at_earning`: the partner pays for points its customers earn there; `at_redemption`: the workspace pays the partner for offers redeemed there), the price of a point in minor units of the workspace currency (a decimal string), and optional monthly caps on points earned and redeemed there.',
      problems: [422], body: CreatePartner, response: { 201: PartnerView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await createPartner(tx, req.tenantId, req.actor, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/partners/:partnerId', {
    config: { access: 'loyalty:read' },
    schema: { tags: ['loyalty'], summary: 'One partner', operationId: 'getLoyaltyPartner', params: PartnerParams, response: { 200: PartnerView } },
  }, async (req) => getPartner(db, req.tenantId, req.params.partnerId, new Date()));

  app.patch('/api/loyalty/partners/:partnerId', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: ['loyalty'], summary: 'Change a partner\'s terms', operationId: 'updateLoyaltyPartner',
      description: 'New terms apply to earnings and redemptions from now on; each one keeps the price it was billed at. A cap set or changed counts the month\'s points so far. `active: false` stops new earnings and redemptions there.',
      problems: [422], params: PartnerParams, body: UpdatePartner, response: { 200: PartnerView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await updatePartner(tx, req.tenantId, req.actor, req.params.partnerId, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/partners/:partnerId/offers', {
    config: { access: 'loyalty:read' },
    schema: { tags: ['loyalty'], summary: 'A partner\'s offers', operationId: 'listLoyaltyPartnerOffers', params: PartnerParams, response: { 200: PartnerOfferList } },
  }, async (req) => ({ items: await listOffers(db, req.tenantId, req.params.partnerId) }));

  app.post('/api/loyalty/partners/:partnerId/offers', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: ['loyalty'], summary: 'Add an offer to a partner\'s catalogue', operationId: 'createLoyaltyPartnerOffer',
      description: 'A name, a points cost, and who may redeem it: members whose spend (orders placed in the last `spendWindowDays` days, in the workspace currency, returned ones left out) is at least `minSpendMinor`; optionally a `stock`, how many may be redeemed in all (null or absent: unlimited).',
      problems: [422], params: PartnerParams, body: CreatePartnerOffer, response: { 201: PartnerOfferView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await createOffer(tx, req.tenantId, req.actor, req.params.partnerId, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/partner-offers/:offerId', {
    config: { access: 'loyalty:read' },
    schema: { tags: ['loyalty'], summary: 'One partner offer', operationId: 'getLoyaltyPartnerOffer', params: PartnerOfferParams, response: { 200: PartnerOfferView } },
  }, async (req) => getOffer(db, req.tenantId, req.params.offerId));

  app.patch('/api/loyalty/partner-offers/:offerId', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: ['loyalty'], summary: 'Change a partner offer', operationId: 'updateLoyaltyPartnerOffer',
      description: 'Any of the fields. A new `stock` total moves the stock left by the same difference: it cannot go below what was redeemed and not reversed (422 `stock_below_taken`); null makes the offer unlimited.',
      problems: [422], params: PartnerOfferParams, body: UpdatePartnerOffer, response: { 200: PartnerOfferView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await updateOffer(tx, req.tenantId, req.actor, req.params.offerId, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/members/:customerId/partner-offers', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'], summary: 'Partner offers and whether the member has unlocked each', operationId: 'listLoyaltyMemberPartnerOffers',
      description: 'Active offers of active partners, each with the member\'s spend over its window (minor units, a decimal string) and `unlocked` when that reaches its threshold.',
      params: LoyaltyCustomerParams, response: { 200: MemberPartnerOfferList },
    },
  }, async (req) => memberOffers(db, req.tenantId, req.params.customerId, new Date()));

  app.post('/api/loyalty/partners/:partnerId/earnings', {
    config: { access: 'loyalty:write' },
    schema: {
      tags: ['loyalty'], summary: 'Points a member earns at a partner', operationId: 'earnLoyaltyPointsAtPartner',
      description: `One earn entry: from partner_payable when the partner is billed at earning (it owes the points × its price), else from issuance. ${keyed} Refused with nothing written: 409 \`partner_inactive\`, \`partner_earn_cap_reached\` (the month's cap would be passed). Publishes \`loyalty.points_earned\` with the partner's id.`,
      problems: [409, 422], params: PartnerParams, body: PartnerEarn, response: { 200: PartnerTransactionView, 201: PartnerTransactionView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const outcome = await earnAtPartner(tx, ledgerContext(req), req.params.partnerId, req.body, requestKey(req));
      return { status: outcome.created ? 201 : 200, body: outcome.transaction };
    });
    return sendWrite(reply, result);
  });

  app.post('/api/loyalty/partner-offers/:offerId/redemptions', {
    config: { access: 'loyalty:write' },
    schema: {
      tags: ['loyalty'], summary: 'A member redeems a partner offer', operationId: 'redeemLoyaltyPartnerOffer',
      description: `One redeem entry drawing the member's soonest-expiring lots, to partner_payable when the partner is billed at redemption (the workspace owes it the points × its price), else to redemptions. Concurrent redemptions at one partner do not wait on each other (those of an offer with a stock take turns on it, never redeeming more than its stock). ${keyed} Refused with nothing written: 409 \`partner_offer_unavailable\`, \`partner_offer_locked\` (spend below the threshold), \`insufficient_points\`, \`partner_offer_out_of_stock\` (its stock all redeemed), \`partner_redeem_cap_reached\`. Publishes \`loyalty.points_redeemed\` with the partner's and offer's ids.`,
      problems: [409, 422], params: PartnerOfferParams, body: PartnerRedeem, response: { 200: PartnerTransactionView, 201: PartnerTransactionView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const outcome = await redeemPartnerOffer(tx, ledgerContext(req), req.params.offerId, req.body, requestKey(req));
      return { status: outcome.created ? 201 : 200, body: outcome.transaction };
    });
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/partners/:partnerId/corrections', {
    config: { access: 'loyalty:finance' },
    schema: {
      tags: ['loyalty'], summary: 'Staff corrections of a partner\'s payable, newest first', operationId: 'listLoyaltyPartnerCorrections',
      description: 'Each correction with the side it changed, signed points and money at the price of its day, its reason and who wrote it (the latest 200).',
      params: PartnerParams, response: { 200: PartnerCorrectionList },
    },
  }, async (req) => listCorrections(db, req.tenantId, req.params.partnerId));

  app.post('/api/loyalty/partners/:partnerId/corrections', {
    // A finance act, like the settlement it corrects: finance, owners and admins.
    config: { access: 'loyalty:finance' },
    schema: {
      tags: ['loyalty'], summary: 'Correct what a partner or the workspace owes', operationId: 'correctLoyaltyPartnerPayable',
      description: 'One `adjust` entry with no member: partner_payable against issuance (`side` partner_owes) or redemptions (workspace_owes), `points` the signed change to what that side owes (positive: owes more), priced at the partner\'s price per point today; the reason is kept and the act audited. Counted in the settlement report of the month it is written in (`corrections`). Refused with nothing written: 422 `partner_correction_zero`; 409 `partner_correction_exceeds_owed` (what that side owes over all time would go below zero). The same `Idempotency-Key` again answers the first correction.',
      problems: [409, 422], params: PartnerParams, body: CorrectPartnerPayable, response: { 201: PartnerCorrectionView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({
      status: 201, body: await correctPartnerPayable(tx, ledgerContext(req), req.actor ?? null, req.params.partnerId, req.body, requestKey(req)),
    }));
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/partner-settlements', {
    // A finance act: finance, owners and admins (access.ts: one permission per route, so not managers).
    config: { access: 'loyalty:finance' },
    schema: {
      tags: ['loyalty'], summary: 'What partners and the workspace owe each other for a month', operationId: 'getLoyaltyPartnerSettlement',
      description: 'Per partner for a calendar month of the workspace (`period` YYYY-MM in its calendar; absent: this month): points earned and redeemed there, what was billed each way in points and money (minor units, decimal strings, each at the price of its day), the net, and `ledgerPoints`, the sum of the partner\'s postings to partner_payable, which always equals workspaceOwesPoints − partnerOwesPoints.',
      problems: [422], querystring: SettlementQuery, response: { 200: SettlementReport },
    },
  }, async (req) => settlementReport(db, req.tenantId, req.query, new Date()));

  app.get('/api/loyalty/partner-settlements.csv', {
    // A finance act: finance, owners and admins (access.ts: one permission per route, so not managers).
    config: { access: 'loyalty:finance' },
    schema: {
      tags: ['loyalty'], summary: 'The month\'s partner settlement as CSV (UTF-8 with BOM)', operationId: 'exportLoyaltyPartnerSettlementCsv',
      description: 'The same lines as the report; column labels and names in `lang` (default: the request\'s language).',
      problems: [422], querystring: SettlementQuery, produces: ['text/csv'],
    },
  }, async (req, reply) => {
    const report = await settlementReport(db, req.tenantId, req.query, new Date());
    await recordAudit(db, req.tenantId, req.actor, { action: 'loyalty.partner_settlement.exported', targetType: 'loyalty_partners', ip: req.ip, details: { period: report.period } });
    const lang = req.query.lang ?? requestLocale(req);
    return reply.headers(csvDownloadHeaders(`partner-settlement-${report.period}.csv`)).send(settlementCsv(report, lang));
  });
}
