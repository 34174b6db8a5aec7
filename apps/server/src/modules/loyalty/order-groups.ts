// Single purchase events, earned together. A checkout or point of sale sends one order per
// request; alone, each is its own transaction (some thirteen statements and a commit), and the
// route's few turns (orders hold a member's lock, so they take turns rather than every
// connection of the pool) bound it to what one transaction's round trips allow. Orders that
// arrive while every turn is busy wait here, and the next free turn takes the waiting ones of one
// workspace and caller (up to `maxGroup`) and earns them as one batch (earnOrderBatch: the same
// rules, keys, rows and events as each alone, a refused order answering its own problem). A group
// commit, as databases do with their log: under load many orders share one transaction; with no
// load an order still runs at once, alone.
//
// A group never takes an order whose member a running group holds (it would only wait for that
// group's lock in the database); such an order stays first in line for the next turn. If a group
// fails for a reason not an order's own (a deadlock, a lost connection), its orders are earned
// again one by one, so one order cannot fail the others.

export interface GroupWork<I, R> {
  /** orders of one workspace and caller, in arrival order; one result per order, in order */
  many: (key: string, items: I[]) => Promise<R[]>;
  /** one order alone, in its own transaction */
  one: (key: string, item: I) => Promise<R>;
}

interface Waiting<I, R> {
  item: I;
  member: string;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

interface Running {
  members: Set<string>;
}

export class OrderGroups<I, R> {
  private readonly queues = new Map<string, Waiting<I, R>[]>();
  private readonly running = new Set<Running>();
  /** keys in the order their oldest order arrived, so every workspace gets its turn */
  private readonly order: string[] = [];
  private readonly sizes: number[] = [];

  constructor(private readonly work: GroupWork<I, R>, private readonly slots: number, private readonly maxGroup = 50) {}

  /** Earns `item` (whose member is `member`) in the next group of `key`. */
  submit(key: string, member: string, item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let queue = this.queues.get(key);
      if (!queue) {
        queue = [];
        this.queues.set(key, queue);
        this.order.push(key);
      }
      queue.push({ item, member, resolve, reject });
      this.admit();
    });
  }

  /** Orders waiting and groups running now (for tests and the bench). */
  get counts(): { waiting: number; running: number } {
    let waiting = 0;
    for (const queue of this.queues.values()) waiting += queue.length;
    return { waiting, running: this.running.size };
  }

  /** Group sizes run so far, most recent last (the last 1,000; for tests and the bench). */
  get groupSizes(): readonly number[] {
    return this.sizes;
  }

  private admit(): void {
    while (this.running.size < this.slots && this.order.length > 0) {
      const held = new Set<string>();
      for (const r of this.running) for (const m of r.members) held.add(m);
      const next = this.takeGroup(held);
      if (!next) return;
      const members = new Set(next.group.map((w) => w.member));
      const turn: Running = { members };
      this.running.add(turn);
      this.sizes.push(next.group.length);
      if (this.sizes.length > 1_000) this.sizes.shift();
      void this.runGroup(next.key, next.group).finally(() => {
        this.running.delete(turn);
        this.admit();
      });
    }
  }

  /** The next group: from the workspace waiting longest whose first orders' members are free. */
  private takeGroup(held: Set<string>): { key: string; group: Waiting<I, R>[] } | undefined {
    for (let k = 0; k < this.order.length; k++) {
      const key = this.order[k]!;
      const queue = this.queues.get(key)!;
      const group: Waiting<I, R>[] = [];
      const kept: Waiting<I, R>[] = [];
      for (const waiting of queue) {
        if (group.length < this.maxGroup && !held.has(waiting.member)) group.push(waiting);
        else kept.push(waiting);
      }
      if (group.length === 0) continue;
      if (kept.length === 0) {
        this.queues.delete(key);
        this.order.splice(k, 1);
      } else {
        this.queues.set(key, kept);
        // The workspace goes to the back: others waiting get the next turns.
        this.order.splice(k, 1);
        this.order.push(key);
      }
      return { key, group };
    }
    return undefined;
  }

  private async runGroup(key: string, group: Waiting<I, R>[]): Promise<void> {
    if (group.length === 1) {
      const [only] = group;
      await this.work.one(key, only!.item).then(only!.resolve, only!.reject);
      return;
    }
    let results: R[];
    try {
      results = await this.work.many(key, group.map((w) => w.item));
    } catch {
      // Not an order's own refusal (those are results): each again alone, each with its own outcome.
      for (const waiting of group) await this.work.one(key, waiting.item).then(waiting.resolve, waiting.reject);
      return;
    }
    group.forEach((waiting, i) => waiting.resolve(results[i]!));
  }
}
