import type { Executor } from '../../platform/db/connect.ts';
import * as repo from './response.repo.ts';

interface Waiting {
  hash: Buffer;
  resolve(row: repo.LinkRow | undefined): void;
  reject(error: unknown): void;
}

/**
 * Reads the links of concurrent answers together: while reads are in flight, the tokens that
 * arrive meanwhile wait and go in the next statement, one however many tokens. At low load
 * nothing waits. Every answer still reads its link fresh: the statement starts after the
 * request arrived, so a survey closed or an invitation answered before that is seen as such.
 *
 * The token lookup was the one statement every answer made by itself (the rest of its work is
 * group-committed, response.coalescer.ts): at 50 connections, about one statement in two.
 */
export class LinkReader {
  private waiting: Waiting[] = [];
  private inFlight = 0;

  constructor(
    private readonly db: Executor,
    private readonly options: { maxBatch: number; maxInFlight: number } = { maxBatch: 200, maxInFlight: 2 },
  ) {}

  /** What the token with this SHA-256 opens (`repo.linkByTokenHash`), read with others waiting at the time. */
  read = (hash: Buffer): Promise<repo.LinkRow | undefined> => {
    const promise = new Promise<repo.LinkRow | undefined>((resolve, reject) => this.waiting.push({ hash, resolve, reject }));
    this.drain();
    return promise;
  };

  private drain(): void {
    while (this.waiting.length > 0 && this.inFlight < this.options.maxInFlight) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.inFlight++;
      void repo.linksByTokenHashes(this.db, batch.map((w) => w.hash)).then(
        (rows) => {
          for (const w of batch) w.resolve(rows.get(w.hash.toString('hex')));
        },
        (error: unknown) => {
          for (const w of batch) w.reject(error);
        },
      ).finally(() => {
        this.inFlight--;
        this.drain();
      });
    }
  }
}
