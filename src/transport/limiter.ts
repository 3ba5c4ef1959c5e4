// The client-side mirror of Bitrix24's limits (bitrix24-rest.md §2.1-2.2), so that a process runs at
// the portal's limit instead of into it:
// - a leaky bucket per portal (50 requests draining at 2/s; 250 and 5 on Enterprise): calls spend the
//   burst, then each call reserves a slot and waits until the bucket has drained enough for it;
// - per-method operating blocks: after a 429 OPERATION_TIME_LIMIT, or when an answer's
//   `time.operating` shows the budget is spent, that method waits for `operating_reset_at`.
// The state sits behind LimiterStore, so one budget can be shared by many processes (limiter-redis.ts).

export interface Bucket {
  /** Requests the portal lets through in a burst (Bitrix24's X). */
  readonly capacity: number;
  /** Requests per second the bucket drains by (Bitrix24's Y). */
  readonly drainPerSecond: number;
}

export type Plan = "standard" | "enterprise" | "off";

export const PLAN_BUCKETS: Readonly<Record<Exclude<Plan, "off">, Bucket>> = {
  standard: { capacity: 50, drainPerSecond: 2 },
  enterprise: { capacity: 250, drainPerSecond: 5 },
};

/**
 * Where the limiter's state lives. Every operation must be atomic for its key: many calls (and, for a
 * shared store, many processes) reserve slots in the same bucket at once.
 */
export interface LimiterStore {
  /**
   * Reserves one request slot in the bucket `key` and returns how many ms the caller must wait
   * before sending (0: at once). The reservation counts at once, so concurrent callers queue up.
   * `nowMs` is the caller's clock; a shared store may use its own clock instead.
   */
  reserve(key: string, bucket: Bucket, nowMs: number): Promise<number>;
  /** The portal said QUERY_LIMIT_EXCEEDED: our mirror was behind, so treat the bucket as full. */
  saturate(key: string, bucket: Bucket, nowMs: number): Promise<void>;
  /** Blocks `key` (a portal's method) until `untilMs` (epoch ms); a later block wins. */
  blockUntil(key: string, untilMs: number): Promise<void>;
  /** Epoch ms until which `key` is blocked, or 0. */
  blockedUntil(key: string): Promise<number>;
}

/** The level a bucket had at `updatedMs`; it drains continuously from there. */
interface Level {
  level: number;
  updatedMs: number;
}

/** One process's limiter state. The default store is shared by every client of the process. */
export class MemoryLimiterStore implements LimiterStore {
  private readonly levels = new Map<string, Level>();
  private readonly blocks = new Map<string, number>();

  async reserve(key: string, bucket: Bucket, nowMs: number): Promise<number> {
    const level = this.drained(key, bucket, nowMs) + 1;
    this.levels.set(key, { level, updatedMs: nowMs });
    return waitFor(level, bucket);
  }

  async saturate(key: string, bucket: Bucket, nowMs: number): Promise<void> {
    this.levels.set(key, { level: Math.max(this.drained(key, bucket, nowMs), bucket.capacity), updatedMs: nowMs });
  }

  async blockUntil(key: string, untilMs: number): Promise<void> {
    this.blocks.set(key, Math.max(this.blocks.get(key) ?? 0, untilMs));
  }

  async blockedUntil(key: string): Promise<number> {
    return this.blocks.get(key) ?? 0;
  }

  private drained(key: string, bucket: Bucket, nowMs: number): number {
    const last = this.levels.get(key);
    if (!last) return 0;
    const elapsed = Math.max(0, nowMs - last.updatedMs) / 1000;
    return Math.max(0, last.level - elapsed * bucket.drainPerSecond);
  }
}

/** Ms until a bucket at `level` (this request included) is back within its capacity. */
export function waitFor(level: number, bucket: Bucket): number {
  return level <= bucket.capacity ? 0 : Math.ceil(((level - bucket.capacity) * 1000) / bucket.drainPerSecond);
}

/** Time as the limiter and the retries see it; tests may replace it (virtual time), HTTP stays real. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1) for backoff jitter. */
  random(): number;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

export interface LimiterOptions {
  store: LimiterStore;
  /** null: no pacing (plan "off"); QUERY_LIMIT_EXCEEDED is still handled by the retries. */
  bucket: Bucket | null;
  clock: Clock;
  /**
   * A method's operating budget in seconds (Bitrix24 cloud: 480). When an answer shows `operating`
   * at or above it, the method waits for `operating_reset_at` before its next call.
   */
  operatingLimitSeconds?: number;
  /** Called with a line whenever a call has to wait (the client's debug output). */
  onWait?: (line: string) => void;
}

/** What an answer's `time` block says about the operating budget (classic REST, cloud only). */
export interface OperatingInfo {
  operating?: number;
  operating_reset_at?: number;
}

/** Pacing and operating waits for every call of one client (keys: portal, and portal + caller + method). */
export class Limiter {
  private readonly resetAt = new Map<string, number>();

  constructor(private readonly options: LimiterOptions) {}

  get clock(): Clock {
    return this.options.clock;
  }

  /** Waits until `method` may be sent to `portal`: operating block first, then a bucket slot. */
  async acquire(portal: string, methodKey: string, label: string): Promise<void> {
    const { store, clock, bucket } = this.options;
    const blocked = await store.blockedUntil(methodKey);
    const blockWait = blocked - clock.now();
    if (blockWait > 0) {
      this.options.onWait?.(`${label}: operating time limit, waiting ${blockWait} ms for its reset`);
      await this.sleepUntil(blocked);
    }
    if (!bucket) return;
    // One slot is kept in hand: the portal counts a request when it arrives, a little after we
    // reserved it, so its bucket drains from a later moment than ours.
    const wait = await store.reserve(portal, { capacity: Math.max(1, bucket.capacity - 1), drainPerSecond: bucket.drainPerSecond }, clock.now());
    if (wait > 0) {
      this.options.onWait?.(`${label}: pacing at the portal's rate, waiting ${wait} ms`);
      await this.sleepUntil(clock.now() + wait);
    }
  }

  /**
   * Sleeps until the clock reads `deadline`. Node's timers count from the event loop's cached time,
   * so a timer set at the end of a long tick fires early by real time: check and sleep again.
   */
  private async sleepUntil(deadline: number): Promise<void> {
    const { clock } = this.options;
    for (let left = deadline - clock.now(); left > 0; left = deadline - clock.now()) await clock.sleep(left);
  }

  /** The portal answered QUERY_LIMIT_EXCEEDED: stop spending the burst that is not there. */
  async saturate(portal: string): Promise<void> {
    if (this.options.bucket) await this.options.store.saturate(portal, this.options.bucket, this.options.clock.now());
  }

  /** Records a successful answer's operating figures; blocks the method once its budget is spent. */
  async observe(methodKey: string, time: OperatingInfo | undefined): Promise<void> {
    if (!time || typeof time.operating_reset_at !== "number") return;
    const resetMs = time.operating_reset_at * 1000;
    this.resetAt.set(methodKey, resetMs);
    const limit = this.options.operatingLimitSeconds ?? 480;
    if (typeof time.operating === "number" && time.operating >= limit && resetMs > this.options.clock.now()) {
      await this.options.store.blockUntil(methodKey, resetMs + 1000);
    }
  }

  /**
   * The portal answered 429 OPERATION_TIME_LIMIT: block the method until the reset time the last
   * successful answer gave (+1 s), or, when that is unknown or past, for `fallbackMs`.
   * Returns the epoch ms the method is blocked until.
   */
  async blockOperating(methodKey: string, fallbackMs: number): Promise<number> {
    const now = this.options.clock.now();
    const known = this.resetAt.get(methodKey);
    const until = known !== undefined && known + 1000 > now ? known + 1000 : now + fallbackMs;
    await this.options.store.blockUntil(methodKey, until);
    return until;
  }
}

/** The store every client of this process shares unless it is given its own. */
export const processLimiterStore: LimiterStore = new MemoryLimiterStore();
