// /loyalty/members, /loyalty/ledger and /loyalty/finance: the members list, the ledger explorer
// and the finance report, each its own chunk.
import { createRoute } from '@tanstack/react-router';
import { lazyPage, withPage } from '../app/lazy-screen.ts';
import { pathOf } from '../app/routes.ts';
import { rootRoute } from './root.tsx';

const MembersPage = lazyPage(() => import('../modules/loyalty/members-page.tsx'));
const LedgerExplorerPage = lazyPage(() => import('../modules/loyalty/ledger-explorer-page.tsx'));
const FinancePage = lazyPage(() => import('../modules/loyalty/finance-page.tsx'));

export const loyaltyMembersRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('loyaltyMembers'),
  component: withPage(() => <MembersPage />, MembersPage),
});

export const loyaltyLedgerRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('loyaltyLedger'),
  component: withPage(() => <LedgerExplorerPage />, LedgerExplorerPage),
});

export const loyaltyFinanceRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('loyaltyFinance'),
  component: withPage(() => <FinancePage />, FinancePage),
});
