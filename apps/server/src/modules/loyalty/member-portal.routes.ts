import {
  MemberCatalogueView, MemberCodeSent, MemberCreditView, MemberDonate, MemberDonationReceipt, MemberHistoryPage, MemberHistoryQuery, MemberPartnerOfferParams, MemberPartnerRedemption,
  MemberPortalParams, MemberPortalView, RequestMemberCode, VerifyMemberCode,
} from '@vafa/contracts';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../platform/http/server.ts';
import { Problem } from '../../platform/http/problem.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { endMemberSession, memberOfSession, portalWorkspace, requestMemberCode, verifyMemberCode } from './member-otp.service.ts';
import { memberRateLimit } from './member-rate-key.ts';
import { memberCatalogue, memberCredit, memberDonate, memberPortalHistory, memberPortalView, memberRedeemPartnerOffer } from './member-portal.service.ts';

/** The member's session cookie, scoped to the workspace's portal API: one workspace's session is never sent to another's. */
export const MEMBER_COOKIE = 'vafa_member';
const cookiePath = (slug: string) => `/api/public/loyalty/${slug}`;
/** A generous cap per address: a flood backstop only, since a carrier's NAT puts many members behind one address. */
const CODE_TRIES_PER_ADDRESS_PER_MINUTE = 120;
const READS_PER_SESSION_PER_MINUTE = 120;
const KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;

/** The member's Idempotency-Key header: required on the portal's writes. */
function idempotencyKey(req: FastifyRequest): string {
  const header = req.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  if (key === undefined) throw new Problem(400, 'idempotency_key_required');
  if (!KEY_PATTERN.test(key)) throw new Problem(400, 'idempotency_key_invalid');
  return key;
}

const SIGNED_IN = 'Needs the member\'s session cookie from `/otp/verify` (401 `member_signed_out` otherwise).';

export function registerMemberPortalRoutes(app: App, deps: ModuleDeps): void {
  const { database, config } = deps;
  const { db } = database;
  const secure = (req: FastifyRequest) => (config.cookieSecure === 'auto' ? req.protocol === 'https' : config.cookieSecure);

  const codeLimits = {
    config: { access: 'public' as const, rateLimit: false as const },
    preHandler: [app.rateLimit({ max: CODE_TRIES_PER_ADDRESS_PER_MINUTE, timeWindow: '1 minute', keyGenerator: (req) => `member-code:${req.ip}` })],
  };
  const memberLimits = {
    config: { access: 'public' as const, rateLimit: false as const },
    preHandler: [memberRateLimit(app, db, 'member', READS_PER_SESSION_PER_MINUTE)],
  };
  /** The workspace of the address and the member signed in to it. */
  const signedIn = async (req: FastifyRequest) => {
    const workspace = await portalWorkspace(db, (req.params as { workspaceSlug: string }).workspaceSlug);
    return { tenantId: workspace.tenantId, customerId: await memberOfSession(db, workspace.tenantId, req.cookies[MEMBER_COOKIE], new Date()) };
  };

  app.post('/api/public/loyalty/:workspaceSlug/otp', {
    ...codeLimits,
    schema: {
      tags: ['loyalty'],
      summary: 'Send a member a sign-in code by SMS or e-mail',
      operationId: 'requestMemberCode',
      description: 'A six-digit code good for 5 minutes and 5 tries, sent by SMS to `phone` (through the workspace\'s SMS channel) or by e-mail to `email` (through its e-mail channel), exactly one of them (422 `member_address_required`), when the address is a customer\'s of this workspace. The answer is the same whether or not it is, and nothing is sent when it is not, unless `referralCode` names a live member\'s invite: then a friend no customer is yet gets a code too, and verifying it makes them a customer (422 `referral_code_unknown`, `referral_code_malformed` for a code that is not one); an invite past its join codes (10 a day, and the workspace\'s 100 an hour) answers 429 `member_join_too_many` to every address alike, a member\'s too, so it tells no one who is a member. The phone is read in any digits and normalised to E.164 (422 `invalid_phone`). At most 3 codes per phone or address in 15 minutes and 10 a day (429 `member_code_too_many`), and a ceiling per workspace (429 `member_code_busy`). An unknown workspace 404.',
      problems: [422],
      params: MemberPortalParams,
      body: RequestMemberCode,
      response: { 202: MemberCodeSent },
    },
  }, async (req, reply) => {
    const workspace = await portalWorkspace(db, req.params.workspaceSlug);
    return reply.code(202).send(await requestMemberCode(database, config, workspace, req.body, req.headers['accept-language'] ? req.locale : null, new Date()));
  });

  app.post('/api/public/loyalty/:workspaceSlug/otp/verify', {
    ...codeLimits,
    schema: {
      tags: ['loyalty'],
      summary: 'Sign a member in with their code',
      operationId: 'verifyMemberCode',
      description: 'The latest code of the phone or e-mail address, once, within 5 minutes and 5 tries. A wrong, spent, expired or exhausted code, and an address with no code, all answer 422 `member_code_invalid`; anything but six digits (any script) 422 `member_code_malformed` (`member_email_code_malformed` by e-mail). A friend\'s join code (see `/otp`) makes them a customer with `join`\'s name and their answer on offers by that channel as consent (source `referral_join`), and attaches the invite under the referral rules; two verifies of one code make one customer. Success sets the member\'s session cookie (HttpOnly, SameSite=Strict, Secure over HTTPS, scoped to this workspace\'s portal API, 30 days) and answers the member\'s points.',
      problems: [422],
      params: MemberPortalParams,
      body: VerifyMemberCode,
      response: { 200: MemberPortalView },
    },
  }, async (req, reply) => {
    const workspace = await portalWorkspace(db, req.params.workspaceSlug);
    const signIn = await verifyMemberCode(database, config, workspace, req.body, new Date(), req.ip);
    reply.setCookie(MEMBER_COOKIE, signIn.token, {
      httpOnly: true, sameSite: 'strict', secure: secure(req), path: cookiePath(workspace.slug), expires: signIn.expiresAt,
    });
    return memberPortalView(db, workspace.tenantId, signIn.customerId);
  });

  app.post('/api/public/loyalty/:workspaceSlug/sign-out', {
    ...memberLimits,
    schema: {
      tags: ['loyalty'],
      summary: 'End the member\'s session',
      operationId: 'signOutMember',
      description: 'Ends the session of the cookie sent (if any) and clears the cookie. Always 204.',
      params: MemberPortalParams,
      response: { 204: z.null().describe('Signed out') },
    },
  }, async (req, reply) => {
    const workspace = await portalWorkspace(db, req.params.workspaceSlug);
    await endMemberSession(database, workspace.tenantId, req.cookies[MEMBER_COOKIE], new Date(), req.ip);
    reply.clearCookie(MEMBER_COOKIE, { path: cookiePath(workspace.slug), httpOnly: true, sameSite: 'strict', secure: secure(req) });
    return reply.code(204).send();
  });

  app.get('/api/public/loyalty/:workspaceSlug/me', {
    ...memberLimits,
    schema: {
      tags: ['loyalty'],
      summary: 'The signed-in member\'s points',
      operationId: 'getMemberPortal',
      description: `Available, pending and qualifying points; every upcoming expiry grouped by the day it falls on in the workspace's time zone (not only the soonest), points that never expire, pending points by the day they unlock; the workspace's calendar and time zone for showing those days. ${SIGNED_IN}`,
      problems: [401],
      params: MemberPortalParams,
      response: { 200: MemberPortalView },
    },
  }, async (req) => {
    const { tenantId, customerId } = await signedIn(req);
    return memberPortalView(db, tenantId, customerId);
  });

  app.get('/api/public/loyalty/:workspaceSlug/me/history', {
    ...memberLimits,
    schema: {
      tags: ['loyalty'],
      summary: 'The signed-in member\'s points history, newest first',
      operationId: 'listMemberHistory',
      description: `Every change to the member's points with its cause (an order and its id, a return, a survey answered, a complaint's goodwill gesture, a referral, a birthday, an unlock, an expiry, a redemption, a donation, a correction) and its note. Pass \`nextCursor\` back as \`cursor\`. ${SIGNED_IN}`,
      problems: [401],
      params: MemberPortalParams,
      querystring: MemberHistoryQuery,
      response: { 200: MemberHistoryPage },
    },
  }, async (req) => {
    const { tenantId, customerId } = await signedIn(req);
    return memberPortalHistory(db, tenantId, customerId, req.query);
  });

  app.get('/api/public/loyalty/:workspaceSlug/me/catalogue', {
    ...memberLimits,
    schema: {
      tags: ['loyalty'],
      summary: 'Rewards on offer, partner offers and charities the member can give to',
      operationId: 'getMemberCatalogue',
      description: `Rewards active, in their window and in stock; active charities with their conversion rate; active offers of active partners, each with whether the member's spend unlocks it and their points cover it (used at the partner's counter, which takes the points; an offer whose partner's monthly cap is used up is left out). ${SIGNED_IN}`,
      problems: [401],
      params: MemberPortalParams,
      response: { 200: MemberCatalogueView },
    },
  }, async (req) => {
    const { tenantId, customerId } = await signedIn(req);
    return memberCatalogue(db, tenantId, customerId, new Date());
  });

  app.get('/api/public/loyalty/:workspaceSlug/me/credit', {
    ...memberLimits,
    schema: {
      tags: ['loyalty'],
      summary: 'The signed-in member\'s prepaid credit and the packages on sale',
      operationId: 'getMemberPortalCredit',
      description: `Paid and bonus credit in the workspace's currency, and the active packages of active programs (price, credit, bonus). The portal takes no payment: a package is bought where the shop takes money and recorded there. ${SIGNED_IN}`,
      problems: [401],
      params: MemberPortalParams,
      response: { 200: MemberCreditView },
    },
  }, async (req) => {
    const { tenantId, customerId } = await signedIn(req);
    return memberCredit(db, tenantId, customerId);
  });

  app.post('/api/public/loyalty/:workspaceSlug/me/donations', {
    ...memberLimits,
    schema: {
      tags: ['loyalty'],
      summary: 'The signed-in member gives points to a charity',
      operationId: 'memberDonate',
      description: `Needs an \`Idempotency-Key\` header (400 \`idempotency_key_required\`): the same key again answers the same receipt. Drawn from the points that expire soonest. 409 \`insufficient_points\`, \`charity_unavailable\`; 422 \`charity_not_found\`, \`donation_too_small\`. ${SIGNED_IN}`,
      problems: [401, 409, 422],
      idempotencyKey: 'required',
      params: MemberPortalParams,
      body: MemberDonate,
      response: { 201: MemberDonationReceipt },
    },
  }, async (req, reply) => {
    const key = idempotencyKey(req);
    const { tenantId, customerId } = await signedIn(req);
    const receipt = await db.transaction((tx) => memberDonate(tx, tenantId, customerId, req.body, key, new Date()));
    return reply.code(201).send(receipt);
  });

  app.post('/api/public/loyalty/:workspaceSlug/me/partner-offers/:offerId/redemptions', {
    ...memberLimits,
    schema: {
      tags: ['loyalty'],
      summary: 'The signed-in member redeems a partner\'s offer',
      operationId: 'memberRedeemPartnerOffer',
      description: `Takes the offer's points at once (soonest-expiring first, net of what the member owes) and answers a reference the member shows at the partner's counter. The same checks as the partner's counter: the offer on offer (its days) and its partner active (409 \`partner_offer_unavailable\`), the member's spend over the offer's window reaching its threshold (409 \`partner_offer_locked\`), enough points (409 \`insufficient_points\`), the offer's stock (409 \`partner_offer_out_of_stock\`), the partner's monthly redeem cap (409 \`partner_redeem_cap_reached\`); the partner's payable is posted by its billing model. Needs an \`Idempotency-Key\` header (400 \`idempotency_key_required\`): the same key again answers the same redemption with 200; used for another offer, 409 \`external_id_conflict\`. An offer of another workspace is 404. ${SIGNED_IN}`,
      problems: [401, 409],
      idempotencyKey: 'required',
      params: MemberPartnerOfferParams,
      response: { 200: MemberPartnerRedemption, 201: MemberPartnerRedemption },
    },
  }, async (req, reply) => {
    const key = idempotencyKey(req);
    const { tenantId, customerId } = await signedIn(req);
    const outcome = await db.transaction((tx) => memberRedeemPartnerOffer(tx, tenantId, customerId, req.params.offerId, key, new Date()));
    return reply.code(outcome.created ? 201 : 200).send(outcome.redemption);
  });
}
