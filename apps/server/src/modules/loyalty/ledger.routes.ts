import {
  EarnPoints, LoyaltyBalanceView, LoyaltyCustomerParams, LoyaltyEntryDetailView, LoyaltyEntryParams, LoyaltyHistoryPage, LoyaltyExpiryRunView,
  LoyaltyHistoryQuery, LoyaltyVerifyView, RedeemPoints, ReverseEntry,
} from '@vafa/contracts';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { verifyLedger } from './ledger-verify.service.ts';
import { memberBalanceAt } from './member-balance.service.ts';
import { reverseEntryRepayingOwed } from './entry-reversal.service.ts';
import { earnPoints, getEntry, memberHistory, redeemPoints, settleDue, type LedgerContext } from './ledger.service.ts';

/** The writer and the instant of a request. */
export function ledgerContext(req: FastifyRequest): LedgerContext {
  return { tenantId: req.tenantId, source: `${req.actor!.kind}:${req.actor!.id}`, now: new Date(), actor: req.actor! };
}

/** The caller's Idempotency-Key, scoped to the caller (as the write helper scopes it), to key the entry when no external id is given. */
export function requestKey(req: FastifyRequest): string | undefined {
  const header = req.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  return key === undefined ? undefined : `${req.actor!.kind}:${req.actor!.id}:${key}`;
}

export function registerLoyaltyLedgerRoutes(app: App, deps: ModuleDeps): void {
  const { database } = deps;
  const { db } = database;

  app.get('/api/loyalty/members/:customerId', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'],
      summary: 'A member\'s points balance',
      operationId: 'getLoyaltyBalance',
      description: 'Available, pending and qualifying (tier) points, and the open lots grouped by expiry: every expiry instant with its points, soonest first, then the points that never expire; pending points by the instant they unlock. A customer who never earned has zeros. As it stands when read: points past their expiry that the hourly run has not booked yet are in `expiredUnbooked`, not in `available` or `expiring`, and points past their pending period are available (the read writes nothing).',
      params: LoyaltyCustomerParams,
      response: { 200: LoyaltyBalanceView },
    },
  }, async (req) => memberBalanceAt(db, req.tenantId, req.params.customerId, new Date()));

  app.get('/api/loyalty/members/:customerId/entries', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'],
      summary: 'A member\'s points history, newest first',
      operationId: 'listLoyaltyEntries',
      description: 'Every entry that changed the member\'s points, with its reason and what it did to available, pending and qualifying points; an entry of a partner (an earn there, an offer redeemed, or the reversal of one) names the partner and offer under `partner`, as they are named now. Pass `nextCursor` back as `cursor`.',
      params: LoyaltyCustomerParams,
      querystring: LoyaltyHistoryQuery,
      response: { 200: LoyaltyHistoryPage },
    },
  }, async (req) => memberHistory(db, req.tenantId, req.params.customerId, req.query));

  app.post('/api/loyalty/members/:customerId/earnings', {
    config: { access: 'loyalty:write' },
    schema: {
      tags: ['loyalty'],
      summary: 'Credit points to a customer',
      operationId: 'earnLoyaltyPoints',
      description: 'Needs an idempotency key: `externalId` (the order or transaction, so the same purchase earns once whoever sends it) or the `Idempotency-Key` header; without either, 400 `idempotency_key_required`. The same key again answers the first entry with 200; used for a different earn, 409 `external_id_conflict`. `expiresAt` gives the points their own expiry (absent: never); `pendingUntil` holds them pending (not spendable) until then. `qualifyingPoints` (default `points`) count for tiers, apart from spendable points. Publishes `loyalty.points_earned`.',
      problems: [409, 422],
      params: LoyaltyCustomerParams,
      body: EarnPoints,
      response: { 200: LoyaltyEntryDetailView, 201: LoyaltyEntryDetailView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const outcome = await earnPoints(tx, ledgerContext(req), req.params.customerId, req.body, requestKey(req));
      return { status: outcome.created ? 201 : 200, body: outcome.entry };
    });
    return sendWrite(reply, result);
  });

  app.post('/api/loyalty/members/:customerId/redemptions', {
    config: { access: 'loyalty:write' },
    schema: {
      tags: ['loyalty'],
      summary: 'Spend a customer\'s points',
      operationId: 'redeemLoyaltyPoints',
      description: 'Draws on the available lots that expire soonest first (lots that never expire last) and records which. Keyed like an earn. More than the available points: 409 `insufficient_points`, and nothing is written. Concurrent redemptions of one member take turns, so they never spend more than there is. Publishes `loyalty.points_redeemed`.',
      problems: [409, 422],
      params: LoyaltyCustomerParams,
      body: RedeemPoints,
      response: { 200: LoyaltyEntryDetailView, 201: LoyaltyEntryDetailView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const outcome = await redeemPoints(tx, ledgerContext(req), req.params.customerId, req.body, requestKey(req));
      return { status: outcome.created ? 201 : 200, body: outcome.entry };
    });
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/entries/:id', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'],
      summary: 'One ledger entry with its postings and lots',
      operationId: 'getLoyaltyEntry',
      description: 'The entry, its postings (which sum to zero per unit), the lots it drew on (or gave back to) and the lot it credited.',
      params: LoyaltyEntryParams,
      response: { 200: LoyaltyEntryDetailView },
    },
  }, async (req) => getEntry(db, req.tenantId, Number(req.params.id)));

  app.post('/api/loyalty/entries/:id/reversal', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: ['loyalty'],
      summary: 'Reverse an earn or a redemption in full',
      operationId: 'reverseLoyaltyEntry',
      description: 'Writes a reversing entry; the original stays. An earn is reversed only while none of its points were spent or expired (409 `earned_points_spent`); a redemption gives its points back to the lots it drew on, with their own expiries, and what the member owes (a negative balance) is repaid from them at once, in an `adjust` entry of the same request. A partner offer\'s redemption billed to the workspace (`at_redemption`) is cancelled the same way, its bill to the partner reversed in the same entry (the settlement shows it under `cancellations`), the offer\'s stock unit given back, audited; only while its settlement month (the workspace calendar) is open, else 409 `partner_redemption_settled` (correct the partner payable instead). An earn billed to a partner: 409 `entry_partner_billed`. Other kinds: 409 `entry_not_reversible`; a second reversal: 409 `entry_already_reversed`. Publishes `loyalty.entry_reversed`.',
      problems: [409, 422],
      params: LoyaltyEntryParams,
      body: ReverseEntry,
      response: { 201: LoyaltyEntryDetailView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await reverseEntryRepayingOwed(tx, ledgerContext(req), Number(req.params.id), req.body) }));
    return sendWrite(reply, result);
  });

  app.post('/api/loyalty/expiry-runs', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: ['loyalty'],
      summary: 'Run the due work now: unlock pending points, expire lots past their expiry',
      operationId: 'runLoyaltyExpiry',
      description: 'What the hourly job does, for this workspace, now. Safe to run twice or concurrently: runs take turns, and a lot once expired has nothing left to expire. Publishes `loyalty.points_unlocked` and `loyalty.points_expired` per member.',
      response: { 200: LoyaltyExpiryRunView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await settleDue(tx, ledgerContext(req)) }));
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/verify', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: ['loyalty'],
      summary: 'Check the ledger against itself',
      operationId: 'verifyLoyaltyLedger',
      description: 'Reports drift, of which there must never be any: members whose cached balance differs from their postings or open lots, entries whose postings do not sum to zero, lots whose remaining differs from their draws, entries whose spendable postings differ from the lots they moved, held points against the holds, charity_payable against the donations, entries whose postings to partner_payable differ from what their partner rows bill (partner entries, their cancellations, finance\'s corrections); and the prepaid-credit ledger the same way, each item naming its ledger: members whose cached paid or bonus credit differs from their postings or open bonus lots, credit entries whose postings do not sum to zero per currency, bonus lots whose remaining differs from their draws. Also the workspace accounts\' balances (credit ones by currency). The same check runs from the command line: `vafa loyalty verify`.',
      response: { 200: LoyaltyVerifyView },
    },
  }, async (req) =>
    database.db.transaction((tx) => verifyLedger(tx, req.tenantId, new Date()), { isolationLevel: 'repeatable read', accessMode: 'read only' }));
}
