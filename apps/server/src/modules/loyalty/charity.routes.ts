import {
  CharityList, CharityParams, CharityShareView, CharityView, CreateCharity, CreateDonation, DonationList, DonationListQuery, DonationParams, DonationView, LoyaltyCustomerParams,
  SetCharityShare, UpdateCharity, NoContent,
} from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { getCharityShare, removeCharityShare, setCharityShare } from './charity-share.service.ts';
import { archiveCharity, createCharity, donatePoints, getCharity, getDonation, listCharities, listDonations, updateCharity } from './charity.service.ts';
import { requestKey } from './ledger.routes.ts';

export function registerLoyaltyCharityRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/loyalty/charities', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'], summary: 'Charities members may give points to, with their totals', operationId: 'listLoyaltyCharities',
      description: 'Every charity of the workspace (archived ones too, marked), each with its donations, points and money given so far (minor units of the workspace currency).',
      response: { 200: CharityList },
    },
  }, async (req) => ({ items: await listCharities(db, req.tenantId) }));

  app.post('/api/loyalty/charities', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: ['loyalty'], summary: 'List a charity', operationId: 'createLoyaltyCharity',
      description: 'A name in fa, ar and/or en and a conversion rate: `ratePoints` points are worth `rateMinor` minor units of the workspace currency.',
      problems: [422], body: CreateCharity, response: { 201: CharityView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await createCharity(tx, req.tenantId, req.actor, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/charities/:charityId', {
    config: { access: 'loyalty:read' },
    schema: { tags: ['loyalty'], summary: 'One charity with its totals', operationId: 'getLoyaltyCharity', params: CharityParams, response: { 200: CharityView } },
  }, async (req) => getCharity(db, req.tenantId, req.params.charityId));

  app.patch('/api/loyalty/charities/:charityId', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: ['loyalty'], summary: 'Change a charity', operationId: 'updateLoyaltyCharity',
      description: 'A new rate applies from now on; each donation keeps the rate it was made at. An archived charity cannot change (409 `charity_archived`).',
      problems: [409, 422], params: CharityParams, body: UpdateCharity, response: { 200: CharityView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await updateCharity(tx, req.tenantId, req.actor, req.params.charityId, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.delete('/api/loyalty/charities/:charityId', {
    config: { access: 'loyalty:manage' },
    schema: { tags: ['loyalty'], summary: 'Archive a charity', operationId: 'archiveLoyaltyCharity', description: 'No new donations; its donations and receipts stay.', params: CharityParams, response: { 204: NoContent.describe('Archived') } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      await archiveCharity(tx, req.tenantId, req.actor, req.params.charityId, new Date());
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/members/:customerId/charity-share', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'], summary: 'The member\'s automatic share of each purchase to a charity', operationId: 'getLoyaltyCharityShare',
      description: '`share`: null when the member has chosen none.', params: LoyaltyCustomerParams, response: { 200: CharityShareView },
    },
  }, async (req) => getCharityShare(db, req.tenantId, req.params.customerId));

  app.put('/api/loyalty/members/:customerId/charity-share', {
    config: { access: 'loyalty:write' },
    schema: {
      tags: ['loyalty'], summary: 'Give a share of each purchase to a charity', operationId: 'setLoyaltyCharityShare',
      description: 'From now on, each purchase\'s points (an earn with an order\'s external id), once spendable (at once, or when they unlock after their pending period), give `percent` of them, rounded down, to the charity: an ordinary donation with its receipt, once per purchase. Points spent before the share is given are not taken. 409 `charity_unavailable`; 422 `charity_not_found`.',
      problems: [409, 422], params: LoyaltyCustomerParams, body: SetCharityShare, response: { 200: CharityShareView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await setCharityShare(tx, req.tenantId, req.actor, req.params.customerId, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.delete('/api/loyalty/members/:customerId/charity-share', {
    config: { access: 'loyalty:write' },
    schema: { tags: ['loyalty'], summary: 'Stop the automatic share', operationId: 'removeLoyaltyCharityShare', params: LoyaltyCustomerParams, response: { 204: NoContent.describe('Removed') } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      await removeCharityShare(tx, req.tenantId, req.actor, req.params.customerId);
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });

  app.post('/api/loyalty/donations', {
    config: { access: 'loyalty:write' },
    schema: {
      tags: ['loyalty'], summary: 'Give a member\'s points to a charity', operationId: 'donateLoyaltyPoints',
      description: 'Moves the points from the member\'s available points to the workspace\'s charity_payable, drawing on the lots that expire soonest first; worth `points × rateMinor / ratePoints` minor units (rounded down) of the workspace currency; numbered with the next receipt number (D-000001, …, no gaps). Keyed by `externalId` or the `Idempotency-Key` header. Refused with nothing written: 409 `insufficient_points`, `charity_unavailable`; 422 `charity_not_found`, `donation_too_small`. Publishes `loyalty.points_donated`.',
      problems: [409, 422], body: CreateDonation, response: { 200: DonationView, 201: DonationView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const outcome = await donatePoints(tx, { tenantId: req.tenantId, source: `${req.actor!.kind}:${req.actor!.id}`, now: new Date() }, req.body, requestKey(req));
      return { status: outcome.created ? 201 : 200, body: outcome.donation };
    });
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/donations', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'], summary: 'Donations, newest receipt first', operationId: 'listLoyaltyDonations',
      querystring: DonationListQuery, response: { 200: DonationList },
    },
  }, async (req) => ({ items: await listDonations(db, req.tenantId, req.query) }));

  app.get('/api/loyalty/donations/:donationId', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'], summary: 'A donation\'s receipt', operationId: 'getLoyaltyDonation',
      description: 'What its receipt prints: number, date, workspace, member, charity (name, registration), points, money and the rate.',
      params: DonationParams, response: { 200: DonationView },
    },
  }, async (req) => getDonation(db, req.tenantId, req.params.donationId));
}
