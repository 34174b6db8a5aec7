import { LoyaltyLedgerPage, LoyaltyLedgerQuery, LoyaltyMemberList, LoyaltyMemberListQuery } from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { ledgerPage } from './ledger-explorer.service.ts';
import { memberList } from './members-list.service.ts';

/** The members list and the ledger explorer: reads only, for anyone who may read points (loyalty:read). */
export function registerLoyaltyListRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/loyalty/members', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'], summary: 'Members with their balances, expiring points, tier and last activity', operationId: 'listLoyaltyMembers',
      description: 'Sorted by available points or by the last change to the member\'s points (`sort`, `-` for descending), then by customer id; pass `nextCursor` back as `cursor` with the same filters and sort. `q` finds a name (Persian and Arabic letters folded, word order free) or a phone in any form and digits, as the customers list does. `programId` shows that program\'s tiers; `tierId` (with `programId`) keeps one tier\'s members. `expiringSoon`: available points expiring within `expiringDays` (default 30).',
      querystring: LoyaltyMemberListQuery, response: { 200: LoyaltyMemberList },
    },
  }, async (req) => memberList(db, req.tenantId, req.query, new Date()));

  app.get('/api/loyalty/ledger', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'], summary: 'The journal: entries newest first with their postings', operationId: 'exploreLoyaltyLedger',
      description: 'Each entry with its kind, reason, external id, idempotency key, who wrote it (`source`, and the person\'s or key\'s name when it is one of the workspace\'s) and its postings. Filters: `customerId` (the member the entry is about), `account` (entries posting to an account of that kind; with `customerId`, that member\'s), `kind`, `from` (inclusive) and `to` (exclusive). Pass `nextCursor` back as `cursor`.',
      querystring: LoyaltyLedgerQuery, response: { 200: LoyaltyLedgerPage },
    },
  }, async (req) => ledgerPage(db, req.tenantId, req.query));
}
