import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { signature, type Secrets } from '../../platform/messaging/sealed.ts';

/**
 * Abuse defences of the public response page and API, with no third party and no per-IP cap
 * (a shop's kiosks and a carrier's NAT put many honest people behind one address):
 *
 * - a honeypot field people never see (the page answers "thank you" and stores nothing);
 * - a signed device cookie: one device's submissions on one public token are counted, and past
 *   a hard cap refused (429);
 * - per-token counters: an invitation token takes a bounded number of attempts; a public token
 *   whose submissions come in a burst (many per minute without a device cookie, or from one
 *   device) asks for a proof of work before it takes more;
 * - the proof of work: find n such that SHA-256(challenge + n) starts with `bits` zero bits
 *   (about 2^bits hashes: well under a second in a phone's browser, costly at bot volume).
 *   It is demanded only when traffic looks automated, so people normally never see it.
 *
 * Counters live in process memory: each process limits what it receives, which is enough to
 * make a flood expensive without a shared store, and costs nothing on the request path.
 */

const DEVICE_PURPOSE = 'survey-device';
const CHALLENGE_PURPOSE = 'survey-pow';
const DEVICE_SHAPE = /^([A-Za-z0-9_-]{22})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{22})$/;

export interface Device {
  /** the cookie value to send back (the same one, or a new one) */
  cookie: string;
  /** SHA-256 of the cookie's random part: what responses store */
  hash: Buffer;
  /** the request came with a valid cookie (not minted now) */
  known: boolean;
  /** when the cookie was minted (ms) */
  issuedAt: number;
}

// Device ids are drawn from a buffer of the CSPRNG's bytes, 256 at a time, as randomUUID does:
// a respondent without a cookie mints one on every answer, and a call into the CSPRNG each time
// was 1.5 % of the answer path's CPU. No byte is used twice.
let idBytes = Buffer.alloc(0);
let idOffset = 0;
function newDeviceId(): string {
  if (idOffset + 16 > idBytes.length) {
    idBytes = randomBytes(4096);
    idOffset = 0;
  }
  const id = idBytes.subarray(idOffset, idOffset + 16).toString('base64url');
  idOffset += 16;
  return id;
}

/** Reads a device cookie (or the widget's `X-Vafa-Device` header), or mints a new one. */
export function deviceOf(secrets: Secrets, presented: string | undefined, now = Date.now()): Device {
  const match = presented ? DEVICE_SHAPE.exec(presented) : null;
  if (match) {
    const [, id, issued, mac] = match as unknown as [string, string, string, string];
    const expected = signature(secrets, DEVICE_PURPOSE, `${id}.${issued}`);
    if (expected.length === mac.length && timingSafeEqual(Buffer.from(expected), Buffer.from(mac))) {
      return { cookie: presented!, hash: createHash('sha256').update(id).digest(), known: true, issuedAt: Number.parseInt(issued, 36) };
    }
  }
  const id = newDeviceId();
  const issued = now.toString(36);
  return { cookie: `${id}.${issued}.${signature(secrets, DEVICE_PURPOSE, `${id}.${issued}`)}`, hash: createHash('sha256').update(id).digest(), known: false, issuedAt: now };
}

/** Counts events per key over a sliding window of whole seconds, in bounded memory. */
class WindowCounter {
  private readonly hits = new Map<string, number[]>();
  constructor(private readonly windowMs: number, private readonly maxKeys = 50_000) {}

  count(key: string, now: number): number {
    const list = this.hits.get(key);
    if (!list) return 0;
    const from = now - this.windowMs;
    while (list.length > 0 && list[0]! <= from) list.shift();
    if (list.length === 0) this.hits.delete(key);
    return list.length;
  }

  add(key: string, now: number): void {
    let list = this.hits.get(key);
    if (!list) {
      if (this.hits.size >= this.maxKeys) this.evict(now);
      this.hits.set(key, (list = []));
    }
    list.push(now);
    // A key never holds more than it needs to answer the largest threshold asked of it.
    if (list.length > 1000) list.splice(0, list.length - 1000);
  }

  private evict(now: number): void {
    for (const key of this.hits.keys()) {
      this.count(key, now);
      if (this.hits.size < this.maxKeys * 0.9) return;
    }
    // Everything is fresh: drop the oldest keys (insertion order).
    for (const key of this.hits.keys()) {
      this.hits.delete(key);
      if (this.hits.size < this.maxKeys * 0.9) return;
    }
  }
}

export interface GuardLimits {
  /** a device's submissions on one public token per 10 minutes before it must prove work */
  deviceBeforeChallenge: number;
  /** … and per hour before it is refused */
  devicePerHour: number;
  /** submissions without a device cookie on one public token per minute before those must prove work */
  cookielessBeforeChallenge: number;
  /** submissions per minute on one public token from devices first seen in the last 10 minutes (a bot minting cookies) before those must prove work */
  freshDevicesBeforeChallenge: number;
  /** attempts on one invitation token per 10 minutes before it is refused */
  invitationPer10Min: number;
  /** zero bits the proof of work needs */
  bits: number;
}

export const DEFAULT_LIMITS: GuardLimits = {
  deviceBeforeChallenge: 5, devicePerHour: 60, cookielessBeforeChallenge: 10, freshDevicesBeforeChallenge: 60, invitationPer10Min: 60, bits: 16,
};

const FRESH_DEVICE_MS = 10 * 60_000;

export type Verdict = { ok: true } | { ok: false; reason: 'challenge'; challenge: string; bits: number } | { ok: false; reason: 'limited'; retryAfterSeconds: number };

const CHALLENGE_TTL_MS = 10 * 60_000;

export class SubmissionGuard {
  private readonly device10 = new WindowCounter(10 * 60_000);
  private readonly deviceHour = new WindowCounter(60 * 60_000);
  private readonly cookieless = new WindowCounter(60_000);
  private readonly fresh = new WindowCounter(60_000);
  private readonly invitation = new WindowCounter(10 * 60_000);
  private readonly spent = new WindowCounter(CHALLENGE_TTL_MS);

  constructor(private readonly secrets: Secrets, readonly limits: GuardLimits = DEFAULT_LIMITS) {}

  /** A signed challenge for this token: `<token>.<issued>.<nonce>.<mac>`. */
  challenge(token: string, now = Date.now()): string {
    const body = `${token}.${now.toString(36)}.${randomBytes(9).toString('base64url')}`;
    return `${body}.${signature(this.secrets, CHALLENGE_PURPOSE, body)}`;
  }

  /** Whether `proof` (`<challenge>:<n>`) is a fresh, unspent, valid proof of work for this token. */
  private proofHolds(token: string, proof: string | undefined, now: number): boolean {
    if (!proof || proof.length > 200) return false;
    const cut = proof.lastIndexOf(':');
    if (cut < 0) return false;
    const challenge = proof.slice(0, cut);
    const counter = proof.slice(cut + 1);
    if (!/^\d{1,12}$/.test(counter)) return false;
    const parts = challenge.split('.');
    if (parts.length !== 4 || parts[0] !== token) return false;
    const body = parts.slice(0, 3).join('.');
    const expected = signature(this.secrets, CHALLENGE_PURPOSE, body);
    if (expected.length !== parts[3]!.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(parts[3]!))) return false;
    const issued = Number.parseInt(parts[1]!, 36);
    if (!(now - issued < CHALLENGE_TTL_MS && issued <= now + 60_000)) return false;
    if (this.spent.count(challenge, now) > 0) return false;
    if (!leadingZeroBits(createHash('sha256').update(`${challenge}:${counter}`).digest(), this.limits.bits)) return false;
    this.spent.add(challenge, now);
    return true;
  }

  /** Whether the next submission from this device on this public token will have to prove work (the page then hands out a challenge up front). */
  looksAutomated(token: string, device: Device, now = Date.now()): boolean {
    if (!device.known) return this.cookieless.count(token, now) >= this.limits.cookielessBeforeChallenge;
    if (this.device10.count(`${token}:${device.hash.toString('base64url')}`, now) >= this.limits.deviceBeforeChallenge) return true;
    return now - device.issuedAt < FRESH_DEVICE_MS && this.fresh.count(token, now) >= this.limits.freshDevicesBeforeChallenge;
  }

  /**
   * Decides on one submission before it is saved. `proof` is the answer to an earlier
   * challenge, if the client has one. Counting happens here, so a refused or challenged
   * attempt counts too (a bot retrying without solving only digs deeper).
   */
  check(input: { token: string; kind: 'public' | 'invitation'; device: Device; proof?: string | undefined }, now = Date.now()): Verdict {
    if (input.kind === 'invitation') {
      const key = input.token;
      if (this.invitation.count(key, now) >= this.limits.invitationPer10Min) return { ok: false, reason: 'limited', retryAfterSeconds: 600 };
      this.invitation.add(key, now);
      return { ok: true };
    }
    const deviceKey = `${input.token}:${input.device.hash.toString('base64url')}`;
    if (input.device.known && this.deviceHour.count(deviceKey, now) >= this.limits.devicePerHour) return { ok: false, reason: 'limited', retryAfterSeconds: 3600 };
    const proved = this.proofHolds(input.token, input.proof, now);
    const suspicious = this.looksAutomated(input.token, input.device, now);
    if (input.device.known) {
      this.device10.add(deviceKey, now);
      this.deviceHour.add(deviceKey, now);
      if (now - input.device.issuedAt < FRESH_DEVICE_MS) this.fresh.add(input.token, now);
    } else {
      this.cookieless.add(input.token, now);
    }
    if (suspicious && !proved) return { ok: false, reason: 'challenge', challenge: this.challenge(input.token, now), bits: this.limits.bits };
    return { ok: true };
  }
}

function leadingZeroBits(digest: Buffer, bits: number): boolean {
  const whole = Math.floor(bits / 8);
  for (let i = 0; i < whole; i++) if (digest[i] !== 0) return false;
  const rest = bits % 8;
  return rest === 0 || (digest[whole]! >> (8 - rest)) === 0;
}

/** Solves a challenge (tests and the benchmark; the page's script does the same in the browser). */
export function solveChallenge(challenge: string, bits: number): string {
  for (let n = 0; ; n++) {
    if (leadingZeroBits(createHash('sha256').update(`${challenge}:${n}`).digest(), bits)) return `${challenge}:${n}`;
  }
}
