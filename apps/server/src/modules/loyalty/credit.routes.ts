import {
  CreateCreditPackage, CreditEntryParams, CreditMemberView, CreditOperationView, CreditPackageList, CreditPackageParams, CreditPackageView, CreditReportView,
  LoyaltyCustomerParams, LoyaltyProgramParams, PurchaseCredit, RefundCreditPurchase, SpendCredit, UpdateCreditPackage,
} from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { recordAudit } from '../workspace/index.ts';
import { createPackage, creditReport, listPackages, memberCredit, purchaseCredit, refundCreditPurchase, spendCredit, updatePackage } from './credit.service.ts';
import { ledgerContext, requestKey } from './ledger.routes.ts';

const TAGS = ['loyalty'];
const KEYED = 'Needs an idempotency key: `externalId` (the payment or checkout, so it counts once whoever sends it) or the `Idempotency-Key` header; without either, 400 `idempotency_key_required`. The same key again answers the first entry with 200; used for a different operation, 409 `external_id_conflict`.';

export function registerLoyaltyCreditRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/loyalty/credit-packages', {
    config: { access: 'loyalty:read' },
    schema: { tags: TAGS, summary: 'Every prepaid credit package of the workspace', operationId: 'listAllCreditPackages', response: { 200: CreditPackageList } },
  }, async (req) => listPackages(db, req.tenantId));

  app.get('/api/loyalty/programs/:programId/credit-packages', {
    config: { access: 'loyalty:read' },
    schema: { tags: TAGS, summary: 'A program\'s prepaid credit packages', operationId: 'listCreditPackages', params: LoyaltyProgramParams, response: { 200: CreditPackageList } },
  }, async (req) => listPackages(db, req.tenantId, req.params.programId));

  app.post('/api/loyalty/programs/:programId/credit-packages', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: TAGS, summary: 'Add a prepaid credit package', operationId: 'createCreditPackage',
      description: 'The member pays `priceMinor` and gets `creditMinor` (at least the price; the difference is bonus credit, kept apart from paid credit) in the workspace\'s currency. Paid credit is the customer\'s money and never expires; bonus credit may: with `bonusExpiryDays` (a whole number from 1 to 3650; null or absent: never) each purchase\'s bonus expires that many days after the purchase, and the hourly job moves what is left of it to the workspace\'s `bonus_expired` account. A bonus expiry out of range or not whole is 422 `credit_bonus_expiry_days_invalid`; a credit below the price 422 `credit_below_price`. Audited.',
      problems: [422], params: LoyaltyProgramParams, body: CreateCreditPackage, response: { 201: CreditPackageView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await createPackage(tx, req.tenantId, req.actor!, req.params.programId, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.patch('/api/loyalty/programs/:programId/credit-packages/:packageId', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: TAGS, summary: 'Rename a package, change its bonus expiry or stop selling it', operationId: 'updateCreditPackage',
      description: 'Price and credit stay as sold; a new offer is a new package. A new `bonusExpiryDays` (1 to 3650, null: never; else 422 `credit_bonus_expiry_days_invalid`) applies to purchases from then on: bonus already bought keeps its date. Paid credit never expires. Audited.',
      problems: [422], params: CreditPackageParams, body: UpdateCreditPackage, response: { 200: CreditPackageView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await updatePackage(tx, req.tenantId, req.actor!, req.params.programId, req.params.packageId, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/members/:customerId/credit', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: TAGS, summary: 'A member\'s prepaid credit, the bonus that will expire and the latest 50 operations', operationId: 'getMemberCredit',
      description: '`expiringBonus` lists what is left of each purchase\'s bonus that has an expiry, soonest first (at most 10). Paid credit never expires; bonus without an expiry is not listed.',
      params: LoyaltyCustomerParams, response: { 200: CreditMemberView },
    },
  }, async (req) => memberCredit(db, req.tenantId, req.params.customerId));

  app.post('/api/loyalty/members/:customerId/credit/purchases', {
    config: { access: 'loyalty:write' },
    schema: {
      tags: TAGS, summary: 'Record a prepaid credit package bought', operationId: 'purchaseCredit',
      description: `The package's price becomes paid credit and its bonus bonus credit, in one balanced entry of the credit ledger. ${KEYED} An unknown package 422 \`credit_package_unknown\`; one no longer sold 409 \`credit_package_inactive\`. Audited.`,
      problems: [409, 422], params: LoyaltyCustomerParams, body: PurchaseCredit, response: { 200: CreditOperationView, 201: CreditOperationView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const outcome = await purchaseCredit(tx, ledgerContext(req), req.params.customerId, req.body, requestKey(req));
      if (outcome.created) {
        await recordAudit(tx, req.tenantId, req.actor!, {
          action: 'loyalty_credit.purchased', targetType: 'customer', targetId: req.params.customerId,
          details: { packageId: req.body.packageId, entryId: outcome.result.entry.id, paidMinor: outcome.result.entry.paidMinor, bonusMinor: outcome.result.entry.bonusMinor },
        });
      }
      return { status: outcome.created ? 201 : 200, body: outcome.result };
    });
    return sendWrite(reply, result);
  });

  app.post('/api/loyalty/credit-entries/:entryId/refund', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: TAGS, summary: 'Refund a prepaid credit package purchase, in full or in part', operationId: 'refundCreditPurchase',
      description: 'A reversing `refund` entry: paid credit goes back to funding and the bonus that came with it back to bonus issuance. What is left of a purchase is its paid and bonus credit less its earlier refunds. Without `amountMinor`, all that is left: credit is pooled, so the member must still hold it, otherwise 409 `credit_already_spent` with nothing written. With `amountMinor`, that much of the paid money, never more than is left of the purchase and unspent by the member (409 `credit_refund_exceeds_remainder`, with `remaining`); the bonus withdrawn is the purchase\'s bonus in the same proportion, rounded up (all of it with the last of the money). The bonus is withdrawn only from the purchase\'s own bonus (for a purchase from before bonus expiry, from the member\'s bonus of then), never more than is left of it; without `amountMinor`, bonus of the purchase already spent is 409 `credit_already_spent`, while bonus that expired only leaves less to withdraw. Only a purchase (409 `credit_entry_not_refundable`); nothing left, 409 `credit_already_refunded`. A purchase of a customer since merged into another is refunded from the survivor, who holds its credit (the refund is the survivor\'s entry), by the same rules. The `Idempotency-Key` replays the answer. Audited.',
      problems: [409], params: CreditEntryParams, body: RefundCreditPurchase, response: { 201: CreditOperationView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const outcome = await refundCreditPurchase(tx, ledgerContext(req), Number(req.params.entryId), req.body);
      await recordAudit(tx, req.tenantId, req.actor!, {
        action: 'loyalty_credit.refunded', targetType: 'customer', targetId: outcome.entry.customerId,
        details: {
          purchaseEntryId: Number(req.params.entryId), entryId: outcome.entry.id, paidMinor: outcome.entry.paidMinor, bonusMinor: outcome.entry.bonusMinor,
          part: req.body.amountMinor !== undefined, reason: req.body.reason,
        },
      });
      return { status: 201, body: outcome };
    });
    return sendWrite(reply, result);
  });

  app.post('/api/loyalty/members/:customerId/credit/spends', {
    config: { access: 'loyalty:write' },
    schema: {
      tags: TAGS, summary: 'Spend a member\'s prepaid credit at a checkout', operationId: 'spendCredit',
      description: `Paid credit first, then bonus credit drawn from the purchases' bonus soonest-expiring first (bonus without expiry last; bonus past its expiry is expired first, never spent), in one balanced entry; concurrent spends of a member take turns, and one the balance does not cover is 409 \`insufficient_credit\` with nothing written. ${KEYED} Audited.`,
      problems: [409], params: LoyaltyCustomerParams, body: SpendCredit, response: { 200: CreditOperationView, 201: CreditOperationView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const outcome = await spendCredit(tx, ledgerContext(req), req.params.customerId, req.body, requestKey(req));
      if (outcome.created) {
        await recordAudit(tx, req.tenantId, req.actor!, {
          action: 'loyalty_credit.spent', targetType: 'customer', targetId: req.params.customerId,
          details: { amountMinor: req.body.amountMinor, entryId: outcome.result.entry.id },
        });
      }
      return { status: outcome.created ? 201 : 200, body: outcome.result };
    });
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/credit/report', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: TAGS, summary: 'Prepaid credit liability and the credit ledger checked', operationId: 'getCreditReport',
      description: 'In the workspace\'s currency: paid and bonus credit members hold (each a liability of its own), sold, bonus issued, spent from each, bonus expired; and `ok` false with counts when any entry does not balance, any cached balance differs from its postings, or any member\'s bonus lots differ from their cached bonus or bonus postings, or a lot from its draws.',
      response: { 200: CreditReportView },
    },
  }, async (req) => creditReport(db, req.tenantId));
}
