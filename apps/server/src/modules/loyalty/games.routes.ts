import {
  CreateLoyaltyBadge, CreateLoyaltyChallenge, LoyaltyBadgeList, LoyaltyBadgeParams, LoyaltyBadgeView, LoyaltyChallengeList, LoyaltyChallengeParams,
  LoyaltyChallengeView, LoyaltyCustomerParams, LoyaltyMemberGamesQuery, LoyaltyMemberGamesView, LoyaltyProgramParams, MemberPortalGamesView, MemberPortalParams, UpdateLoyaltyBadge,
  UpdateLoyaltyChallenge,
} from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { creditBalance } from './credit.service.ts';
import { createBadge, createChallenge, listBadges, listChallenges, memberGames, updateBadge, updateChallenge } from './games.service.ts';
import { memberOfSession, portalWorkspace } from './member-otp.service.ts';
import { memberRateLimit } from './member-rate-key.ts';
import { MEMBER_COOKIE } from './member-portal.routes.ts';

const TAGS = ['loyalty'];
const READS_PER_SESSION_PER_MINUTE = 120;

export function registerLoyaltyGameRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/loyalty/programs/:programId/badges', {
    config: { access: 'loyalty:read' },
    schema: { tags: TAGS, summary: 'A program\'s badges', operationId: 'listLoyaltyBadges', params: LoyaltyProgramParams, response: { 200: LoyaltyBadgeList } },
  }, async (req) => listBadges(db, req.tenantId, req.params.programId));

  app.post('/api/loyalty/programs/:programId/badges', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: TAGS, summary: 'Add a badge', operationId: 'createLoyaltyBadge',
      description: 'A name in fa, ar and en and an icon key. Challenges and streaks award it; a member holds each badge once. Audited.',
      params: LoyaltyProgramParams, body: CreateLoyaltyBadge, response: { 201: LoyaltyBadgeView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await createBadge(tx, req.tenantId, req.actor!, req.params.programId, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.patch('/api/loyalty/programs/:programId/badges/:badgeId', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: TAGS, summary: 'Rename a badge or change its icon', operationId: 'updateLoyaltyBadge', description: 'Members who hold it keep it. Audited.',
      params: LoyaltyBadgeParams, body: UpdateLoyaltyBadge, response: { 200: LoyaltyBadgeView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await updateBadge(tx, req.tenantId, req.actor!, req.params.programId, req.params.badgeId, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/programs/:programId/challenges', {
    config: { access: 'loyalty:read' },
    schema: { tags: TAGS, summary: 'A program\'s challenges and streaks', operationId: 'listLoyaltyChallenges', params: LoyaltyProgramParams, response: { 200: LoyaltyChallengeList } },
  }, async (req) => listChallenges(db, req.tenantId, req.params.programId));

  app.post('/api/loyalty/programs/:programId/challenges', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: TAGS, summary: 'Add a challenge or a streak', operationId: 'createLoyaltyChallenge',
      description: 'A `count` challenge completes when `target` events of `topic` passing `filter` fall in its window: the last N days (`rolling`; an event counts towards one completion), or the current calendar week or month in the workspace\'s calendar and time zone (`calendar`; once per period). A `streak` completes at `target` consecutive weeks or months each with at least one such event. The reward is `rewardPoints` (one ledger entry per member and period, through the program\'s expiry) and/or a badge of the program (`badgeId`; 422 `game_badge_unknown`); at least one (422 `game_reward_required`). Filters by topic: purchase (an order earned through a program): `minAmountMinor` of the order or of its `category` lines; `order.placed`: `minAmountMinor`; `response.submitted`: `surveyIds` (others: 422 `game_filter_not_for_topic`). Audited.',
      problems: [422], params: LoyaltyProgramParams, body: CreateLoyaltyChallenge, response: { 201: LoyaltyChallengeView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await createChallenge(tx, req.tenantId, req.actor!, req.params.programId, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.patch('/api/loyalty/programs/:programId/challenges/:challengeId', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: TAGS, summary: 'Rename, re-reward, pause or resume a challenge', operationId: 'updateLoyaltyChallenge',
      description: 'What counts stays as created (progress was counted by it). A paused challenge counts nothing until resumed. Audited.',
      problems: [422], params: LoyaltyChallengeParams, body: UpdateLoyaltyChallenge, response: { 200: LoyaltyChallengeView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({
      status: 200, body: await updateChallenge(tx, req.tenantId, req.actor!, req.params.programId, req.params.challengeId, req.body, new Date()),
    }));
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/members/:customerId/games', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: TAGS, summary: 'A member\'s badges, challenge progress and streaks', operationId: 'getLoyaltyMemberGames',
      description: 'Badges held (once each), each active challenge\'s count in its current window, and each streak\'s current and longest run of consecutive periods; `at` reads them as of another instant.',
      params: LoyaltyCustomerParams, querystring: LoyaltyMemberGamesQuery, response: { 200: LoyaltyMemberGamesView },
    },
  }, async (req) => memberGames(db, req.tenantId, req.params.customerId, req.query.at ? new Date(req.query.at) : new Date()));

  const memberLimits = {
    config: { access: 'public' as const, rateLimit: false as const },
    preHandler: [memberRateLimit(app, db, 'member-games', READS_PER_SESSION_PER_MINUTE)],
  };

  app.get('/api/public/loyalty/:workspaceSlug/games', {
    ...memberLimits,
    schema: {
      tags: TAGS, summary: 'The signed-in member\'s badges, challenges, streaks and credit', operationId: 'getMemberPortalGames',
      description: 'Needs the member\'s session cookie from `/otp/verify` (401 `member_signed_out` otherwise).',
      problems: [401],
      params: MemberPortalParams, response: { 200: MemberPortalGamesView },
    },
  }, async (req) => {
    const workspace = await portalWorkspace(db, req.params.workspaceSlug);
    const customerId = await memberOfSession(db, workspace.tenantId, req.cookies[MEMBER_COOKIE], new Date());
    const credit = await creditBalance(db, workspace.tenantId, customerId);
    return { games: await memberGames(db, workspace.tenantId, customerId, new Date()), credit: credit.totalMinor > 0 ? credit : null };
  });
}
