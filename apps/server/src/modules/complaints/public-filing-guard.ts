// Abuse defences of the public complaint form (and of any other public filing path, such as a
// widget), with no third party and no per-IP cap, the way the survey answer path does it
// (surveys' response-abuse.ts): a shop's tablets and a carrier's NAT put many honest people behind
// one address, so nothing here counts addresses.
//
// - A honeypot field (`website`) people never see: a filing that fills it gets a receipt like any
//   other, and nothing is stored (a bot learns nothing from the answer).
// - A signed device cookie (or the widget's `X-Vafa-Device` header): one device's filings on one
//   workspace are counted; past a few in ten minutes it must prove work, past a cap an hour it is
//   refused (429 too_many_filings).
// - Filings without a device, and from devices minted in the last minutes, are counted per
//   workspace: a burst of them (a bot that drops or mints cookies) must prove work.
// - The proof of work (SHA-256 with `bits` leading zero bits, well under a second in a phone's
//   browser) is asked only when traffic looks automated; people normally never see it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComplaintReceipt, Locale } from '@vafa/contracts';
import { Problem, problemBody, requestLocale } from '../../platform/http/problem.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { DEVICE_COOKIE, SubmissionGuard, deviceOf, keepDevice, type Device, type GuardLimits } from '../surveys/index.ts';
import { caseStatusWords } from './case-status.words.ts';
import { formatTrackingCodeFor, newTrackingCode } from './tracking-code.ts';

/**
 * Per workspace: a complaint is filed far less often than a survey is answered. The burst limits
 * (cookieless and new devices a minute) follow VAFA_FILING_BURST_LIMIT (the benchmark raises it,
 * as it raises the anonymous rate limit: the guard still runs on every filing, it never says no).
 */
export const FILING_LIMITS: GuardLimits = {
  deviceBeforeChallenge: 3, devicePerHour: 20, cookielessBeforeChallenge: 10, freshDevicesBeforeChallenge: 30, invitationPer10Min: 0, bits: 16,
};

const limitsFor = (burst: number): GuardLimits => ({ ...FILING_LIMITS, cookielessBeforeChallenge: burst, freshDevicesBeforeChallenge: 3 * burst });

export type FilingVerdict =
  | { ok: true; device: Device }
  | { ok: false; device: Device; reply: FastifyReply };

/** The key a workspace's filings are counted under (and challenges are bound to): its public slug. */
const filingKey = (workspace: string) => `complaints-${workspace}`;

function presentedDevice(req: FastifyRequest): string | undefined {
  const header = req.headers['x-vafa-device'];
  return req.cookies[DEVICE_COOKIE] ?? (typeof header === 'string' && header.length <= 100 ? header : undefined);
}

export class PublicFilingGuard {
  readonly guard: SubmissionGuard;

  constructor(private readonly deps: ModuleDeps, limits: GuardLimits = limitsFor(deps.config.filingBurstPerMinute)) {
    this.guard = new SubmissionGuard(deps.config, limits);
  }

  /** The filer's device (minted, and set as a cookie, when the request has none). */
  device(req: FastifyRequest, reply: FastifyReply): Device {
    const device = deviceOf(this.deps.config, presentedDevice(req));
    keepDevice(this.deps, req, reply, device);
    return device;
  }

  /** What the form shows before a filing: the device and, when this device's next filing would have to prove work, the challenge. */
  form(req: FastifyRequest, reply: FastifyReply, workspace: string): { device: string; challenge: { value: string; bits: number } | null } {
    const device = this.device(req, reply);
    const key = filingKey(workspace);
    // Asked on the form's load, the device is the one the filing will present.
    const challenge = this.guard.looksAutomated(key, { ...device, known: true }) ? { value: this.guard.challenge(key), bits: this.guard.limits.bits } : null;
    return { device: device.cookie, challenge };
  }

  /**
   * Decides on one filing before anything is stored: throws 429 too_many_filings past the device's
   * cap, and sends 429 filing_challenge_required (with the challenge) when it must prove work.
   * Refused and challenged attempts count too.
   */
  check(req: FastifyRequest, reply: FastifyReply, input: { workspace: string; proof?: string | undefined }): FilingVerdict {
    const device = this.device(req, reply);
    const verdict = this.guard.check({ token: filingKey(input.workspace), kind: 'public', device, proof: input.proof });
    if (verdict.ok) return { ok: true, device };
    if (verdict.reason === 'limited') {
      reply.header('retry-after', String(verdict.retryAfterSeconds));
      throw new Problem(429, 'too_many_filings');
    }
    const problem = new Problem(429, 'filing_challenge_required');
    reply.code(429).type('application/problem+json; charset=utf-8').header('cache-control', 'no-store')
      .send({ ...problemBody(problem, requestLocale(req), req.routeOptions.url), challenge: verdict.challenge, bits: verdict.bits });
    return { ok: false, device, reply };
  }
}

const guards = new WeakMap<ModuleDeps['config'], PublicFilingGuard>();

/** The one guard of an app's public filing routes (the form, its JSON and multipart filings, a widget's), so they count together. */
export function filingGuardFor(deps: ModuleDeps): PublicFilingGuard {
  let guard = guards.get(deps.config);
  if (!guard) guards.set(deps.config, (guard = new PublicFilingGuard(deps)));
  return guard;
}

/** The honeypot was filled: somebody's script, not a person. */
export const isHoneypotFilled = (website: string | undefined) => typeof website === 'string' && website.trim() !== '';

/** A receipt like a stored filing's, for a filing that was not stored: its code leads nowhere. */
export function decoyReceipt(language: Locale): ComplaintReceipt {
  const code = newTrackingCode();
  return { trackingCode: code, trackingCodeDisplay: formatTrackingCodeFor(code, language), status: { state: 'acknowledged', ...caseStatusWords('acknowledged', language) } };
}
