import type { KioskAnswer, KioskSyncResult } from '@vafa/contracts';

/**
 * Answers taken on a kiosk wait here (localStorage: it survives a reload and a dropped network)
 * until the server has them. Each carries its own `clientRef`, so sending a batch twice (a
 * response lost on the way back, two tabs) is counted once by the server. An entry leaves the
 * queue only when the server answered for it: saved, already saved, or refused for good.
 */
const MAX_QUEUED = 5000;
export const BATCH = 50;

export class AnswerQueue {
  constructor(
    private readonly storage: Pick<Storage, 'getItem' | 'setItem'>,
    private readonly key: string,
  ) {}

  all(): KioskAnswer[] {
    try {
      const parsed = JSON.parse(this.storage.getItem(this.key) ?? '[]') as unknown;
      return Array.isArray(parsed) ? (parsed as KioskAnswer[]) : [];
    } catch {
      return [];
    }
  }

  add(answer: KioskAnswer): void {
    // A full queue keeps the newest: a kiosk offline for weeks is rare, a full disk rarer.
    this.save([...this.all(), answer].slice(-MAX_QUEUED));
  }

  remove(refs: Set<string>): void {
    this.save(this.all().filter((a) => !refs.has(a.clientRef)));
  }

  private save(answers: KioskAnswer[]): void {
    try {
      this.storage.setItem(this.key, JSON.stringify(answers));
    } catch {
      /* storage refused: the answers in memory are lost on reload, nothing else to do */
    }
  }
}

/** Sends the queue in batches until it is empty or the network fails; resolves to what is left. */
export async function drainQueue(queue: AnswerQueue, post: (batch: KioskAnswer[]) => Promise<KioskSyncResult>): Promise<number> {
  for (;;) {
    const batch = queue.all().slice(0, BATCH);
    if (batch.length === 0) return 0;
    let result: KioskSyncResult;
    try {
      result = await post(batch);
    } catch {
      return queue.all().length;
    }
    const answered = new Set(result.results.map((r) => r.clientRef));
    if (answered.size === 0) return queue.all().length;
    queue.remove(answered);
  }
}

/** 16 random bytes as base64url: unique per answer, from crypto.getRandomValues (also on plain http, unlike randomUUID). */
export function newClientRef(random: (bytes: Uint8Array) => Uint8Array): string {
  const bytes = random(new Uint8Array(16));
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
