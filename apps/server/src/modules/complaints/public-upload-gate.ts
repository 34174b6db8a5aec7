// How many anonymous uploads this process reads at once. A public upload is held in memory while
// it is read (up to 5 files of 10 MiB) and the abuse defences can only judge it once its fields are
// read, so without a bound a few hundred slow or large anonymous uploads would exhaust memory. The
// gate answers at once, before a byte of the body is read: at most PER_ADDRESS at a time from one
// address (a shop's tablets or a carrier's NAT rarely upload more than that together) and at most
// IN_PROCESS in all, so what uploads hold stays under IN_PROCESS × 50 MiB. Further uploads get
// 429 `uploads_busy` with a Retry-After; nothing is stored.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from '../../platform/http/problem.ts';

export const PUBLIC_UPLOADS_IN_PROCESS = 6;
export const PUBLIC_UPLOADS_PER_ADDRESS = 2;

export class PublicUploadGate {
  private inProcess = 0;
  private readonly byAddress = new Map<string, number>();

  constructor(private readonly limits = { inProcess: PUBLIC_UPLOADS_IN_PROCESS, perAddress: PUBLIC_UPLOADS_PER_ADDRESS }) {}

  /** A preHandler: takes a place for this request, given back when its answer is sent or its connection drops. */
  readonly enter = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const address = req.ip;
    const mine = this.byAddress.get(address) ?? 0;
    if (this.inProcess >= this.limits.inProcess || mine >= this.limits.perAddress) {
      reply.header('retry-after', '5');
      throw new Problem(429, 'uploads_busy');
    }
    this.inProcess++;
    this.byAddress.set(address, mine + 1);
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      this.inProcess--;
      const now = (this.byAddress.get(address) ?? 1) - 1;
      if (now <= 0) this.byAddress.delete(address);
      else this.byAddress.set(address, now);
    };
    reply.raw.once('finish', leave);
    reply.raw.once('close', leave);
  };

  /** Uploads being read now, for tests. */
  get reading(): number {
    return this.inProcess;
  }
}

/** The process's gate: every public upload route of every app in this process counts against it. */
export const publicUploadGate = new PublicUploadGate();
