// The one guard for every connection the server opens to an address a user, a tenant or a
// provider profile supplied: webhooks, SMS gateways, SMTP, identity providers.
export { canonicalHost, EMPTY_ALLOW_LIST, parseAllowList, type OutboundAllowList, type RefusalReason } from './address.ts';
export { checkOutboundTarget, OutboundRefused, OutboundUnreachable, systemResolver, type CheckedTarget, type CheckOptions, type ResolvedAddress, type Resolver } from './guard.ts';
export { guardedFetch, pinnedLookup, type GuardedFetchOptions } from './fetch.ts';
