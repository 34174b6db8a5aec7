import {
  AttachReferral, AttachMemberReferrer, LoyaltyCustomerParams, LoyaltyReferralCodeView, LoyaltyReferralPage, LoyaltyReferralQuery, LoyaltyReferralView, MemberPortalParams,
  MemberInviteParams, MemberInviteView, MemberReferralView, MemberReferrerView,
} from '@vafa/contracts';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../platform/http/server.ts';
import { Problem } from '../../platform/http/problem.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { memberOfSession, portalWorkspace } from './member-otp.service.ts';
import { memberRateLimit } from './member-rate-key.ts';
import { MEMBER_COOKIE } from './member-portal.routes.ts';
import { attachReferral, ensureReferralCode, getReferralCode, listReferrals, memberInvite, memberReferral } from './referrals.service.ts';

const TAGS = ['loyalty'];
const READS_PER_SESSION_PER_MINUTE = 120;
/** Invite links read per IP address: enough for a shop's Wi-Fi, too few to sweep the code space. */
const INVITE_READS_PER_ADDRESS_PER_MINUTE = 30;
const SIGNED_IN = 'Needs the member\'s session cookie from `/otp/verify` (401 `member_signed_out` otherwise).';
const PAYS = 'A referral pays once the friend\'s first qualifying order (in an active program with referral rules, keeping at least its `minOrderAmount` after returns) is past its return window: when its points unlock, or at once without pending days. A returned order never pays. The program\'s `referral.reward` says who is paid (`referrer`, `friend`, `both`); past the referrer\'s `maxPerReferrerPer30Days` the referral is refused with reason `velocity_limit`.';

export function registerLoyaltyReferralRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/loyalty/members/:customerId/referral-code', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: TAGS, summary: 'A member\'s referral code and link', operationId: 'getLoyaltyReferralCode',
      description: 'The code (eight characters without 0, O, 1 and I, shown as XXXX-XXXX) and the member portal\'s path with it. A member without a code yet: 404 `referral_code_none` (POST makes one).',
      params: LoyaltyCustomerParams, response: { 200: LoyaltyReferralCodeView },
    },
  }, async (req) => {
    const code = await getReferralCode(db, req.tenantId, req.params.customerId);
    if (!code) throw new Problem(404, 'referral_code_none');
    return code;
  });

  app.post('/api/loyalty/members/:customerId/referral-code', {
    config: { access: 'loyalty:write' },
    schema: {
      tags: TAGS, summary: 'Give a member a referral code', operationId: 'createLoyaltyReferralCode',
      description: 'One code per member, unique in the workspace: 201 with a new one, 200 with the one the member already has. Audited.',
      problems: [409], params: LoyaltyCustomerParams, response: { 200: LoyaltyReferralCodeView, 201: LoyaltyReferralCodeView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const outcome = await ensureReferralCode(tx, req.tenantId, req.actor!, req.params.customerId, new Date());
      return { status: outcome.created ? 201 : 200, body: outcome.code };
    });
    return sendWrite(reply, result);
  });

  app.post('/api/loyalty/referrals', {
    config: { access: 'loyalty:write' },
    schema: {
      tags: TAGS, summary: 'Attach a friend to the member whose referral code they came with', operationId: 'attachLoyaltyReferral',
      description: `Before the friend's first order, once: one referrer per friend, fixed once set. The code is read in any case and digits, with spaces or dashes. Refused: a code that cannot be one (422 \`referral_code_malformed\`) or is no one's (422 \`referral_code_unknown\`); the friend's own code, or a referrer with the friend's phone or e-mail (422 \`self_referral\`); a friend with an order already (409 \`referral_after_first_order\`) or attached to someone else (409 \`referral_already_attached\`). The same code again: 200 with the referral as it is. ${PAYS} Audited.`,
      problems: [409, 422], body: AttachReferral, response: { 200: LoyaltyReferralView, 201: LoyaltyReferralView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const outcome = await attachReferral(tx, req.tenantId, req.actor!, req.body, new Date());
      return { status: outcome.created ? 201 : 200, body: outcome.referral };
    });
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/referrals', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: TAGS, summary: 'Referrals, newest first', operationId: 'listLoyaltyReferrals',
      description: `Each with its referrer and friend, state (attached, qualified, refused) and the reason of a refusal, the order that decided it and the points paid to each side. Filter by state or by a customer on either side; pass \`nextCursor\` back as \`cursor\`. ${PAYS}`,
      querystring: LoyaltyReferralQuery, response: { 200: LoyaltyReferralPage },
    },
  }, async (req) => listReferrals(db, req.tenantId, req.query));

  const memberLimits = {
    config: { access: 'public' as const, rateLimit: false as const },
    preHandler: [memberRateLimit(app, db, 'member', READS_PER_SESSION_PER_MINUTE)],
  };
  const signedIn = async (req: FastifyRequest) => {
    const workspace = await portalWorkspace(db, (req.params as { workspaceSlug: string }).workspaceSlug);
    return { tenantId: workspace.tenantId, customerId: await memberOfSession(db, workspace.tenantId, req.cookies[MEMBER_COOKIE], new Date()) };
  };

  app.get('/api/public/loyalty/:workspaceSlug/invites/:code', {
    config: { access: 'public' as const, rateLimit: false as const },
    preHandler: [app.rateLimit({ max: INVITE_READS_PER_ADDRESS_PER_MINUTE, timeWindow: '1 minute', keyGenerator: (req) => `member-invite:${req.ip}` })],
    schema: {
      tags: TAGS, summary: 'An invite link as a signed-out friend sees it', operationId: 'getMemberInvite',
      description: 'The workspace, the inviting member\'s first name only (null when they have no name on record) and what the friend earns in each active program that pays referrals. The code is read in any case and digits, with spaces or dashes. A code that is no live member\'s: 404 `referral_code_unknown`. The friend then asks `/otp` for a code with `referralCode`; no session needed.',
      params: MemberInviteParams, response: { 200: MemberInviteView },
    },
  }, async (req) => {
    const workspace = await portalWorkspace(db, req.params.workspaceSlug);
    return memberInvite(db, workspace.tenantId, req.params.code);
  });

  app.get('/api/public/loyalty/:workspaceSlug/me/referral', {
    ...memberLimits,
    schema: {
      tags: TAGS, summary: 'The signed-in member\'s referral code and link', operationId: 'getMemberReferral',
      description: `The member's code and the portal path with it (null until the member asks for one), and what the workspace's active programs pay for a referral. ${SIGNED_IN}`,
      problems: [401],
      params: MemberPortalParams, response: { 200: MemberReferralView },
    },
  }, async (req) => {
    const { tenantId, customerId } = await signedIn(req);
    return memberReferral(db, tenantId, customerId);
  });

  app.post('/api/public/loyalty/:workspaceSlug/me/referral', {
    ...memberLimits,
    schema: {
      tags: TAGS, summary: 'Give the signed-in member a referral code', operationId: 'createMemberReferral',
      description: `Makes the member's code on first ask; asked again, the same code (safe to repeat, so no Idempotency-Key is needed). ${SIGNED_IN}`,
      problems: [401],
      params: MemberPortalParams, response: { 200: MemberReferralView },
    },
  }, async (req) => {
    const { tenantId, customerId } = await signedIn(req);
    await db.transaction((tx) => ensureReferralCode(tx, tenantId, { kind: 'member', id: customerId }, customerId, new Date()));
    return memberReferral(db, tenantId, customerId);
  });

  app.post('/api/public/loyalty/:workspaceSlug/me/referrer', {
    ...memberLimits,
    schema: {
      tags: TAGS, summary: 'The signed-in member names the member who invited them', operationId: 'attachMemberReferrer',
      description: `The code from the invite link (\`?ref=\`), read as the staff route reads it, with the same rules: before the member's first order, once, never their own code or a twin's (422 \`referral_code_malformed\`, \`referral_code_unknown\`, \`self_referral\`; 409 \`referral_after_first_order\`, \`referral_already_attached\`). The same code again: 200 as it is. ${SIGNED_IN}`,
      problems: [401, 409, 422], params: MemberPortalParams, body: AttachMemberReferrer, response: { 200: MemberReferrerView, 201: MemberReferrerView },
    },
  }, async (req, reply) => {
    const { tenantId, customerId } = await signedIn(req);
    const outcome = await db.transaction((tx) => attachReferral(tx, tenantId, { kind: 'member', id: customerId }, { friendId: customerId, code: req.body.code }, new Date()));
    return reply.code(outcome.created ? 201 : 200).send({ state: outcome.referral.state });
  });
}
