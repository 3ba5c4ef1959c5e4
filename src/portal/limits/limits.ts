// Bitrix24's two limits (shared/spec/bitrix24-rest.md §2.1-2.2), as the local portal enforces them:
//  - the leaky bucket: every admitted request adds 1, the level drains at Y per second, a request
//    that finds the level at X is refused with 503 QUERY_LIMIT_EXCEEDED (and does not count);
//  - the operating budget: seconds of execution per (webhook or app, method) over 10 one-minute
//    buckets; a call is refused with 429 OPERATION_TIME_LIMIT when the sum already exceeds the
//    limit before it starts, so the call that crosses the limit still completes.
// Time comes from an injectable clock, and `timeScale` runs the same rules faster (timeScale 10:
// drain 20/s, a 60 s operating window of 6 s buckets) so tests and benchmarks need not wait.
import { RestError } from "../http/errors.js";

export type Plan = "standard" | "enterprise" | "off";

export interface BucketSettings {
  /** X: requests the bucket holds before it refuses (standard 50, enterprise 250). */
  capacity: number;
  /** Y: requests drained per second (standard 2, enterprise 5), before timeScale. */
  drainPerSecond: number;
}

/** Simulated execution seconds of one call: one number for all, a map by method, or a function. */
export type CostSetting = number | Record<string, number> | ((method: string) => number | undefined);

export interface OperatingSettings {
  /** Budget per (webhook or app, method) in execution seconds (default 480). */
  limitSeconds?: number;
  /** The window in portal seconds, split into 10 buckets (default 600). */
  windowSeconds?: number;
  /** Simulated cost per call; methods without one cost the time they really took. */
  costSeconds?: CostSetting;
}

export interface LimitSettings {
  plan?: Plan;
  /** Overrides the plan's bucket. */
  bucket?: Partial<BucketSettings>;
  operating?: OperatingSettings;
  /** Portal time runs this many times faster than real time (default 1). */
  timeScale?: number;
  /** Milliseconds since the epoch (default Date.now); tests may drive it by hand. */
  clock?: () => number;
}

export const PLAN_BUCKETS: Record<Exclude<Plan, "off">, BucketSettings> = {
  standard: { capacity: 50, drainPerSecond: 2 },
  enterprise: { capacity: 250, drainPerSecond: 5 },
};

/** What a call's `time` block reports about its method's budget. */
export interface OperatingStatus {
  /** Seconds accumulated in the window. */
  operating: number;
  /** Unix seconds when the oldest bucket drops out. */
  resetAt: number;
}

export const queryLimitExceeded = (): RestError => new RestError("QUERY_LIMIT_EXCEEDED", "Too many requests", 503);

export class OperatingLimitError extends RestError {
  /** The budget at the refusal, so the answer can say when the method unblocks. */
  constructor(readonly budget: OperatingStatus) {
    super("OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.", 429);
  }
}

const EPSILON = 1e-9;
const BUCKETS_PER_WINDOW = 10;

interface Bucket {
  level: number;
  atMs: number;
}

interface OperatingBucket {
  startMs: number;
  seconds: number;
}

export class PortalLimits {
  readonly enabled: boolean;
  readonly bucket: BucketSettings;
  readonly limitSeconds: number;
  readonly timeScale: number;
  readonly now: () => number;
  /** Real milliseconds of one operating window (portal seconds / timeScale). */
  private readonly windowMs: number;
  private readonly cost: CostSetting | undefined;
  /** Per client (IP): the leaky bucket. */
  private readonly buckets = new Map<string, Bucket>();
  /** Per "account\0method": one-minute buckets, oldest first. */
  private readonly operating = new Map<string, OperatingBucket[]>();

  constructor(settings: LimitSettings = {}) {
    const plan = settings.plan ?? "standard";
    this.enabled = plan !== "off";
    this.bucket = { ...PLAN_BUCKETS[plan === "enterprise" ? "enterprise" : "standard"], ...settings.bucket };
    this.timeScale = settings.timeScale ?? 1;
    if (!(this.timeScale > 0)) throw new Error("timeScale must be a positive number");
    if (!(this.bucket.capacity >= 1) || !(this.bucket.drainPerSecond > 0)) throw new Error("bucket needs capacity >= 1 and drainPerSecond > 0");
    this.limitSeconds = settings.operating?.limitSeconds ?? 480;
    this.windowMs = ((settings.operating?.windowSeconds ?? 600) * 1000) / this.timeScale;
    this.cost = settings.operating?.costSeconds;
    this.now = settings.clock ?? Date.now;
  }

  /**
   * Counts one request from `client` against the bucket, or throws 503 without counting it
   * (a refused request does not fill the bucket: §2.1, emulator default).
   */
  admit(client: string): void {
    if (!this.enabled) return;
    const now = this.now();
    const bucket = this.buckets.get(client) ?? { level: 0, atMs: now };
    const drained = ((now - bucket.atMs) / 1000) * this.bucket.drainPerSecond * this.timeScale;
    bucket.level = Math.max(0, bucket.level - drained);
    bucket.atMs = now;
    this.buckets.set(client, bucket);
    if (bucket.level + 1 > this.bucket.capacity + EPSILON) throw queryLimitExceeded();
    bucket.level += 1;
  }

  /** The bucket's current level for a client (for tests and the sandbox's status). */
  level(client: string): number {
    const bucket = this.buckets.get(client);
    if (!bucket) return 0;
    const drained = ((this.now() - bucket.atMs) / 1000) * this.bucket.drainPerSecond * this.timeScale;
    return Math.max(0, bucket.level - drained);
  }

  /** Throws 429 when the method's budget is already exceeded for this account (checked before the call). */
  checkOperating(account: string, method: string): void {
    if (!this.enabled) return;
    const status = this.status(account, method);
    if (status.operating > this.limitSeconds + EPSILON) throw new OperatingLimitError(status);
  }

  /** Adds one call's execution time; `measuredSeconds` is used when no cost is configured. */
  charge(account: string, method: string, measuredSeconds: number): OperatingStatus | undefined {
    if (!this.enabled) return undefined;
    const seconds = this.costOf(method) ?? measuredSeconds;
    const now = this.now();
    const buckets = this.live(account, method, now);
    const last = buckets[buckets.length - 1];
    // A bucket collects the calls of one "minute" counted from its first call (§2.2).
    if (last && now < last.startMs + this.windowMs / BUCKETS_PER_WINDOW) last.seconds += seconds;
    else buckets.push({ startMs: now, seconds });
    this.operating.set(key(account, method), buckets);
    return this.summarise(buckets, now);
  }

  /** The method's budget as the `time` block reports it. */
  status(account: string, method: string): OperatingStatus {
    const now = this.now();
    return this.summarise(this.live(account, method, now), now);
  }

  private live(account: string, method: string, now: number): OperatingBucket[] {
    const buckets = this.operating.get(key(account, method)) ?? [];
    const alive = buckets.filter((b) => b.startMs + this.windowMs > now);
    if (alive.length === 0) this.operating.delete(key(account, method));
    return alive;
  }

  private summarise(buckets: OperatingBucket[], now: number): OperatingStatus {
    const operating = buckets.reduce((sum, b) => sum + b.seconds, 0);
    const resetMs = buckets.length > 0 ? buckets[0].startMs + this.windowMs : now + this.windowMs;
    // Unix seconds like Bitrix24; rounded up so waiting until resetAt is always enough.
    return { operating: round(operating), resetAt: Math.ceil(resetMs / 1000) };
  }

  private costOf(method: string): number | undefined {
    const cost = this.cost;
    if (cost === undefined) return undefined;
    if (typeof cost === "number") return cost;
    if (typeof cost === "function") return cost(method);
    for (const [name, seconds] of Object.entries(cost)) if (name.toLowerCase() === method) return seconds;
    return undefined;
  }
}

const key = (account: string, method: string): string => `${account}\0${method.toLowerCase()}`;

/** Avoids 0.30000000000000004 in answers. */
const round = (n: number): number => Math.round(n * 1e6) / 1e6;
