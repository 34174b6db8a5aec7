// /customers…: the list (its filters typed in the URL), a new customer, one customer.
import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { lazyPage, withPage } from '../app/lazy-screen.ts';
import { pathOf } from '../app/routes.ts';
import { signedIn } from '../app/session.ts';
import { parseCustomersSearch, prefetchCustomers } from '../modules/customers/customers-list.ts';
import { rootRoute } from './root.tsx';

const CustomerPage = lazyPage(() => import('../modules/customers/CustomerPage.tsx'));

export const customersRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('customers'),
  validateSearch: parseCustomersSearch,
  loaderDeps: ({ search }) => search,
  // The most common first screen: its first page of rows is asked for beside the page's code,
  // which needs no messages beyond the first screens'.
  loader: async ({ context, deps }) => {
    if (await signedIn(context.queryClient)) prefetchCustomers(context.queryClient, deps);
  },
  component: lazyRouteComponent(() => import('../modules/customers/CustomersPage.tsx'), 'CustomersPage'),
});

export const customerNewRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('customerNew'),
  component: lazyPage(() => import('../modules/customers/CustomerCreatePage.tsx')),
});

export const customerRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('customer'),
  component: withPage(CustomerScreen, CustomerPage),
});

function CustomerScreen() {
  const { id } = customerRoute.useParams();
  return <CustomerPage id={id} key={id} />;
}
