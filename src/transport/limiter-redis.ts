// A LimiterStore in Redis, so that many processes (workers, cron jobs, several machines behind one
// IP) share one portal's budget. Each bucket update is one Lua script, hence atomic, and uses
// Redis's own clock so that machines with skewed clocks still agree on how far a bucket drained.
// The caller passes its own connection; oint never loads (nor depends on) ioredis: the store needs
// only the two commands below, which an ioredis 5 or 6 `Redis` or `Cluster` has.
import type { Bucket, LimiterStore } from "./limiter.js";

/** What RedisLimiterStore needs of a Redis connection: an ioredis `Redis` (5 or 6) or `Cluster` fits. */
export interface RedisConnection {
  eval(script: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
  get(key: string): Promise<string | null>;
}

// KEYS[1] bucket; ARGV: capacity, drain per second, "reserve" | "saturate". Returns the wait in ms.
const BUCKET_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cap = tonumber(ARGV[1])
local drain = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'level', 'ts')
local level = tonumber(state[1]) or 0
local ts = tonumber(state[2]) or now
level = math.max(0, level - math.max(0, now - ts) / 1000 * drain)
if ARGV[3] == 'reserve' then level = level + 1 else level = math.max(level, cap) end
redis.call('HSET', KEYS[1], 'level', tostring(level), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(level / drain * 1000) + 1000)
if level <= cap then return 0 end
return math.ceil((level - cap) * 1000 / drain)
`;

// KEYS[1] block; ARGV[1] until (epoch ms). Keeps the later of the two blocks.
const BLOCK_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1])) or 0
if untilMs > current and untilMs > now then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', untilMs - now + 1000)
end
return 0
`;

export interface RedisLimiterStoreOptions {
  /** Prefix of every key this store writes (default "oint:limit:"). */
  prefix?: string;
}

export class RedisLimiterStore implements LimiterStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: RedisConnection,
    options: RedisLimiterStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? "oint:limit:";
  }

  async reserve(key: string, bucket: Bucket): Promise<number> {
    return Number(await this.redis.eval(BUCKET_SCRIPT, 1, `${this.prefix}bucket:${key}`, bucket.capacity, bucket.drainPerSecond, "reserve"));
  }

  async saturate(key: string, bucket: Bucket): Promise<void> {
    await this.redis.eval(BUCKET_SCRIPT, 1, `${this.prefix}bucket:${key}`, bucket.capacity, bucket.drainPerSecond, "saturate");
  }

  async blockUntil(key: string, untilMs: number): Promise<void> {
    await this.redis.eval(BLOCK_SCRIPT, 1, `${this.prefix}block:${key}`, Math.ceil(untilMs));
  }

  async blockedUntil(key: string): Promise<number> {
    return Number((await this.redis.get(`${this.prefix}block:${key}`)) ?? 0);
  }
}
