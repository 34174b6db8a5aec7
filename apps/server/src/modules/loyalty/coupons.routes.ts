import path from 'node:path';
import {
  CancelCouponRedemption, CouponCodesAdded, CouponPoolView, CouponRedemptionList, CouponRedemptionParams, CouponRedemptionWithEntry, GenerateCouponCodes,
  LoyaltyCustomerParams, LoyaltyOwedView, MemberCouponsView, MemberPortalParams, RedeemCoupon, RewardParams, RewardTiersView, SetRewardTiers, NoContent,
} from '@vafa/contracts';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { CsvFileError } from '../../platform/csv/csv-reader.ts';
import { invalidCsv, receiveCsvUpload } from '../../platform/csv/csv-upload.ts';
import { Problem } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { readCodeLines } from './coupon-codes.ts';
import {
  cancelCouponRedemption, couponPool, generateCouponCodes, getCouponRedemption, listMemberCoupons, markCouponUsed, memberCoupons, redeemCoupon,
  redemptionKey, uploadCouponCodes,
} from './coupons.service.ts';
import { ledgerContext, requestKey } from './ledger.routes.ts';
import { MEMBER_COOKIE } from './member-portal.routes.ts';
import { memberOfSession, portalWorkspace } from './member-otp.service.ts';
import { memberRateLimit } from './member-rate-key.ts';
import { memberOwed } from './negative-balance.ts';
import { clearRewardTiers, getRewardTiers, setRewardTiers } from './reward-tiers.service.ts';

const RewardCouponParams = RewardParams.extend({ workspaceSlug: MemberPortalParams.shape.workspaceSlug });
const KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;
const PORTAL_REDEEMS_PER_MINUTE = 30;

/** Discount-coupon pools and redemptions, rewards restricted to tiers, and a member's owed points. */
export function registerLoyaltyCouponRoutes(app: App, deps: ModuleDeps): void {
  const { database, config } = deps;
  const { db } = database;

  app.get('/api/loyalty/rewards/:rewardId/codes', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'], summary: 'A discount coupon\'s code pool', operationId: 'getCouponPool',
      description: 'How many codes are free (the reward\'s stock), given out, and void (used, then their redemption cancelled). Not a discount coupon: 409 `reward_not_coupon`.',
      problems: [409], params: RewardParams, response: { 200: CouponPoolView },
    },
  }, async (req) => couponPool(db, req.tenantId, req.params.rewardId));

  app.post('/api/loyalty/rewards/:rewardId/codes/generate', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: ['loyalty'], summary: 'Generate codes into a discount coupon\'s pool', operationId: 'generateCouponCodes',
      description: '`count` random codes of `length` characters (default 10) from an alphabet without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B), after an optional `prefix`; unique in the workspace (a collision is drawn again). The reward\'s stock grows by as many.',
      problems: [409, 422], params: RewardParams, body: GenerateCouponCodes, response: { 201: CouponCodesAdded },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await generateCouponCodes(tx, req.tenantId, req.actor, req.params.rewardId, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.post('/api/loyalty/rewards/:rewardId/codes/upload', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: ['loyalty'], summary: 'Upload codes into a discount coupon\'s pool', operationId: 'uploadCouponCodes',
      description: 'multipart/form-data with one `file` part: CSV (UTF-8, with or without BOM; `,` `;` or tab), one code per row in the column headed `code` (or کد, كود, رمز), else the first column; Persian and Arabic-Indic digits are read as digits, case is ignored. Codes are added and the rest reported line by line: empty rows, invalid codes, repeats within the file, codes already in a pool of the workspace. A file that cannot be read to its end (cut inside a quoted cell, not UTF-8, over 100,000 rows) is refused with 422 `invalid_csv`, and a body cut short with 400 `multipart_malformed`: nothing written either way.',
      consumes: ['multipart/form-data'], multipart: { file: 'the CSV file of codes' },
      problems: [409, 422], params: RewardParams, response: { 201: CouponCodesAdded },
    },
  }, async (req, reply) => {
    // Another workspace's reward, or not a coupon: refused before a byte of the file is stored.
    await couponPool(db, req.tenantId, req.params.rewardId);
    const upload = await receiveCsvUpload(req, {
      directory: path.join(config.dataDir, 'imports', req.tenantId), id: uuidv7(), fields: [], idleTimeoutMs: config.uploadIdleTimeoutMs,
    });
    try {
      let lines;
      try {
        lines = await readCodeLines(upload.path);
      } catch (err) {
        if (err instanceof CsvFileError) throw invalidCsv(err.reason);
        throw err;
      }
      const result = await req.write(async (tx) => ({
        status: 201, body: await uploadCouponCodes(tx, req.tenantId, req.actor, req.params.rewardId, lines, upload.fileName, new Date()),
      }), { bodyDigest: upload.digest });
      return sendWrite(reply, result);
    } finally {
      await upload.discard();
    }
  });

  app.post('/api/loyalty/rewards/:rewardId/coupon-redemptions', {
    config: { access: 'loyalty:write' },
    schema: {
      tags: ['loyalty'], summary: 'Redeem a discount coupon for a member', operationId: 'redeemCoupon',
      description: 'Spends the reward\'s cost (drawn soonest-expiring first) and gives the member one free code of the pool, in one transaction: concurrent redemptions never get the same code, and a refusal spends nothing. Needs `externalId` or the `Idempotency-Key` header (400 `idempotency_key_required`); the same key again answers the first redemption with 200, used for another member or reward 409 `external_id_conflict`. Refusals: 409 `reward_not_coupon`, `reward_unavailable`, `coupon_limit_reached`, `insufficient_points`, `coupon_pool_empty`; 403 `reward_tier_required` when the reward is restricted to tiers the member does not hold.',
      problems: [409, 422], params: RewardParams, body: RedeemCoupon, response: { 200: CouponRedemptionWithEntry, 201: CouponRedemptionWithEntry },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const key = redemptionKey(req.body.externalId, requestKey(req));
      const outcome = await redeemCoupon(tx, ledgerContext(req), req.params.rewardId, req.body, key);
      return { status: outcome.created ? 201 : 200, body: outcome.redemption };
    });
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/coupon-redemptions/:redemptionId', {
    config: { access: 'loyalty:read' },
    schema: { tags: ['loyalty'], summary: 'One coupon redemption with its code and entry', operationId: 'getCouponRedemption', params: CouponRedemptionParams, response: { 200: CouponRedemptionWithEntry } },
  }, async (req) => getCouponRedemption(db, req.tenantId, req.params.redemptionId));

  app.post('/api/loyalty/coupon-redemptions/:redemptionId/cancellation', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: ['loyalty'], summary: 'Cancel a coupon redemption', operationId: 'cancelCouponRedemption',
      description: 'Gives the points back to the lots they were drawn from (a reversal of the redemption) and the code back to the pool, unless the code was used: a used code is void and never given out again. Once: a cancelled redemption answers again with 200.',
      problems: [409, 422], params: CouponRedemptionParams, body: CancelCouponRedemption, response: { 200: CouponRedemptionWithEntry, 201: CouponRedemptionWithEntry },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const outcome = await cancelCouponRedemption(tx, ledgerContext(req), req.actor, req.params.redemptionId, req.body);
      return { status: outcome.changed ? 201 : 200, body: outcome.redemption };
    });
    return sendWrite(reply, result);
  });

  app.post('/api/loyalty/coupon-redemptions/:redemptionId/use', {
    config: { access: 'loyalty:write' },
    schema: {
      tags: ['loyalty'], summary: 'Mark a redeemed code as used', operationId: 'useCouponCode',
      description: 'The shop applied the code at checkout. Once (again answers the same); a cancelled redemption: 409 `coupon_redemption_cancelled`. A used code never returns to the pool.',
      problems: [409], params: CouponRedemptionParams, response: { 200: CouponRedemptionWithEntry },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await markCouponUsed(tx, ledgerContext(req), req.params.redemptionId) }));
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/members/:customerId/coupons', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'], summary: 'A member\'s coupon redemptions and codes, newest first', operationId: 'listMemberCoupons',
      params: LoyaltyCustomerParams, response: { 200: CouponRedemptionList },
    },
  }, async (req) => ({ items: await listMemberCoupons(db, req.tenantId, req.params.customerId) }));

  app.get('/api/loyalty/members/:customerId/owed', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'], summary: 'A member\'s negative balance', operationId: 'getLoyaltyOwed',
      description: 'Points the member owes: returns of orders whose points were already spent, in a program that allows a negative balance. Later earnings repay it first. `net` is available less owed.',
      params: LoyaltyCustomerParams, response: { 200: LoyaltyOwedView },
    },
  }, async (req) => memberOwed(db, req.tenantId, req.params.customerId));

  app.get('/api/loyalty/rewards/:rewardId/tiers', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'], summary: 'The tiers that may redeem a reward', operationId: 'getRewardTiers',
      description: 'No program and no tiers: every member may.', params: RewardParams, response: { 200: RewardTiersView },
    },
  }, async (req) => getRewardTiers(db, req.tenantId, req.params.rewardId));

  app.put('/api/loyalty/rewards/:rewardId/tiers', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: ['loyalty'], summary: 'Restrict a reward to tiers', operationId: 'setRewardTiers',
      description: 'Only members holding one of `tierIds` in the program may hold or redeem it (403 `reward_tier_required` otherwise). Replaces any earlier restriction. A tier of another program: 422 `tier_not_in_program`. A listed tier deleted later leaves the reward restricted to the others (or to nobody).',
      problems: [409, 422], params: RewardParams, body: SetRewardTiers, response: { 200: RewardTiersView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await setRewardTiers(tx, req.tenantId, req.actor, req.params.rewardId, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.delete('/api/loyalty/rewards/:rewardId/tiers', {
    config: { access: 'loyalty:manage' },
    schema: { tags: ['loyalty'], summary: 'Open a reward to every tier again', operationId: 'clearRewardTiers', params: RewardParams, response: { 204: NoContent.describe('Open to every tier') } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      await clearRewardTiers(tx, req.tenantId, req.actor, req.params.rewardId);
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });

  // The member portal: the member's own codes, locked rewards, and redeeming a coupon.
  const memberLimit = {
    config: { access: 'public' as const, rateLimit: false as const },
    preHandler: [memberRateLimit(app, db, 'member-coupons', PORTAL_REDEEMS_PER_MINUTE * 4)],
  };
  const signedIn = async (req: FastifyRequest) => {
    const workspace = await portalWorkspace(db, (req.params as { workspaceSlug: string }).workspaceSlug);
    return { tenantId: workspace.tenantId, customerId: await memberOfSession(db, workspace.tenantId, req.cookies[MEMBER_COOKIE], new Date()) };
  };

  app.get('/api/public/loyalty/:workspaceSlug/me/coupons', {
    ...memberLimit,
    schema: {
      tags: ['loyalty'], summary: 'The signed-in member\'s coupon codes and locked rewards', operationId: 'getMemberCoupons',
      description: 'The member\'s codes not cancelled, newest first; the rewards on offer the member\'s tier may not redeem, each with the lowest tier that may; the points owed. Needs the member\'s session cookie (401 `member_signed_out`).',
      problems: [401],
      params: MemberPortalParams, response: { 200: MemberCouponsView },
    },
  }, async (req) => {
    const { tenantId, customerId } = await signedIn(req);
    return memberCoupons(db, tenantId, customerId, new Date());
  });

  app.post('/api/public/loyalty/:workspaceSlug/me/rewards/:rewardId/coupon', {
    ...memberLimit,
    schema: {
      tags: ['loyalty'], summary: 'The signed-in member redeems a discount coupon', operationId: 'memberRedeemCoupon',
      description: 'Needs an `Idempotency-Key` header (400 `idempotency_key_required`): the same key again answers the same redemption. Refusals as for staff: 409 `insufficient_points`, `coupon_pool_empty`, `reward_unavailable`, `coupon_limit_reached`, `reward_not_coupon`; 403 `reward_tier_required`. Needs the member\'s session cookie (401 `member_signed_out`).',
      problems: [401, 403, 409], idempotencyKey: 'required', params: RewardCouponParams, response: { 201: CouponRedemptionWithEntry, 200: CouponRedemptionWithEntry },
    },
  }, async (req, reply) => {
    const header = req.headers['idempotency-key'];
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined) throw new Problem(400, 'idempotency_key_required');
    if (!KEY_PATTERN.test(key)) throw new Problem(400, 'idempotency_key_invalid');
    const { tenantId, customerId } = await signedIn(req);
    const outcome = await db.transaction((tx) => redeemCoupon(tx, { tenantId, source: `member:${customerId}`, now: new Date() }, req.params.rewardId, { customerId }, `coupon:portal:${customerId}:${key}`));
    return reply.code(outcome.created ? 201 : 200).send(outcome.redemption);
  });
}
