// The client at the portal's limit: the leaky-bucket mirror spends the burst and then paces, shared by
// every call of the process (URL-string calls too), so a portal that enforces Bitrix24's limits never
// refuses a request; operating-time blocks are waited out. Against the local portal's real limits.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { bitrix24, Bitrix24Client, Bitrix24Error, MemoryLimiterStore, RedisLimiterStore } from "../src/index.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { freePort } from "./helpers.js";

const attempts = (portal: RunningPortal, method: string) => portal.requests.filter((r) => r.restMethod === method).length;
const chat1Texts = (portal: RunningPortal, prefix: string) =>
  portal.state.listMessages(1, { limit: 100_000 }).filter((m) => m.text.startsWith(prefix)).map((m) => m.text);

describe("leaky bucket", () => {
  it("55 URL-string calls at once against a standard portal (50, 2/s): all delivered once, not one 503", async () => {
    const portal = await startPortal({ plan: "standard" });
    try {
      const texts = Array.from({ length: 55 }, (_, i) => `burst-${i}`);
      const answers = await Promise.all(texts.map((text) => bitrix24.sendMessage(portal.webhookUrl, "chat1", text)));
      assert.equal(answers.length, 55);
      assert.equal(attempts(portal, "im.message.add"), 55, "every message took exactly one request: the portal refused none");
      assert.deepEqual(chat1Texts(portal, "burst-").sort(), [...texts].sort());
    } finally {
      await portal.close();
    }
  });

  it("without the limiter the same portal refuses with 503 QUERY_LIMIT_EXCEEDED (the limit is real)", async () => {
    const portal = await startPortal({ plan: "standard" });
    try {
      const client = new Bitrix24Client({ url: portal.webhookUrl, plan: "off", maxRetries: 0 });
      const outcomes = await Promise.allSettled(Array.from({ length: 55 }, (_, i) => client.call("im.message.add", { DIALOG_ID: "chat1", MESSAGE: `nolimit-${i}` })));
      const refused = outcomes.filter((o) => o.status === "rejected").map((o) => (o as PromiseRejectedResult).reason as Bitrix24Error);
      assert.ok(refused.length >= 1);
      assert.ok(refused.every((e) => e instanceof Bitrix24Error && e.code === "QUERY_LIMIT_EXCEEDED" && e.status === 503));
    } finally {
      await portal.close();
    }
  });

  it("a custom bucket matching an on-premise portal's: 40 concurrent writes, no refusal, each message once", async () => {
    const portal = await startPortal({ bucket: { capacity: 8, drainPerSecond: 20 } });
    try {
      const client = new Bitrix24Client({ url: portal.webhookUrl, bucket: { capacity: 8, drainPerSecond: 20 }, limiterStore: new MemoryLimiterStore() });
      const texts = Array.from({ length: 40 }, (_, i) => `onprem-${i}`);
      await Promise.all(texts.map((text) => client.call("im.message.add", { DIALOG_ID: "chat1", MESSAGE: text }, { replay: "unsafe" })));
      assert.equal(attempts(portal, "im.message.add"), 40);
      assert.deepEqual(chat1Texts(portal, "onprem-").sort(), [...texts].sort());
    } finally {
      await portal.close();
    }
  });

  it("when the portal is stricter than the mirror, 503s are retried with backoff and never reach the caller", async () => {
    const portal = await startPortal({ bucket: { capacity: 3, drainPerSecond: 50 } });
    try {
      const client = new Bitrix24Client({
        url: portal.webhookUrl,
        bucket: { capacity: 50, drainPerSecond: 50 },
        limiterStore: new MemoryLimiterStore(),
        maxRetries: 20,
        retry: { baseDelayMs: 20, maxDelayMs: 200 },
      });
      const texts = Array.from({ length: 12 }, (_, i) => `strict-${i}`);
      await Promise.all(texts.map((text) => client.call("im.message.add", { DIALOG_ID: "chat1", MESSAGE: text })));
      assert.ok(attempts(portal, "im.message.add") > 12, "the portal did refuse some requests");
      assert.deepEqual(chat1Texts(portal, "strict-").sort(), [...texts].sort(), "yet every message is there exactly once");
    } finally {
      await portal.close();
    }
  });
});

/** Virtual time shared by the portal's limits and the client: the client's waits move both. */
function virtualTime() {
  let now = Date.now();
  const slept: number[] = [];
  return {
    portalClock: () => now,
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        slept.push(ms);
        now += ms;
      },
    },
    slept,
  };
}

describe("operating time limit", () => {
  it("a 429 OPERATION_TIME_LIMIT is waited out until operating_reset_at, with a single refused attempt", async () => {
    const time = virtualTime();
    const portal = await startPortal({ operating: { limitSeconds: 2, costSeconds: 1 }, clock: time.portalClock });
    try {
      const client = new Bitrix24Client({ url: portal.webhookUrl, clock: time.clock, limiterStore: new MemoryLimiterStore() });
      for (let i = 0; i < 5; i++) await client.call("server.time");
      // Calls 1-3 run (the third crosses the budget and still completes), call 4 is refused once,
      // then waits for the reset instead of hammering the portal; call 5 follows.
      assert.equal(attempts(portal, "server.time"), 6);
      assert.ok(time.slept.some((ms) => ms >= 500_000), "waited for the 10-minute window's reset");
    } finally {
      await portal.close();
    }
  });

  it("knowing the budget (operatingLimitSeconds), the client blocks the method before the portal has to refuse", async () => {
    const time = virtualTime();
    const portal = await startPortal({ operating: { limitSeconds: 2, costSeconds: 1 }, clock: time.portalClock });
    try {
      const client = new Bitrix24Client({ url: portal.webhookUrl, clock: time.clock, limiterStore: new MemoryLimiterStore(), operatingLimitSeconds: 2 });
      for (let i = 0; i < 5; i++) await client.call("server.time");
      assert.equal(attempts(portal, "server.time"), 5, "no request was refused");
    } finally {
      await portal.close();
    }
  });

  it("other methods are not held up by one method's operating block", async () => {
    const time = virtualTime();
    const portal = await startPortal({ operating: { limitSeconds: 1, costSeconds: { "server.time": 2 } }, clock: time.portalClock });
    try {
      const client = new Bitrix24Client({ url: portal.webhookUrl, clock: time.clock, limiterStore: new MemoryLimiterStore(), operatingLimitSeconds: 1 });
      await client.call("server.time");
      const before = time.slept.length;
      await client.call("im.dialog.messages.get", { DIALOG_ID: "chat1" });
      assert.equal(time.slept.length, before, "the other method went at once");
    } finally {
      await portal.close();
    }
  });
});

// ---- A budget shared by several processes through Redis ---------------------------------------

const REDIS_SERVER = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].find((path) => existsSync(path));

/** A throwaway redis-server on a free loopback port, no persistence. */
async function startRedis(binary: string): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  // Wait until it accepts connections (a few attempts, 50 ms apart).
  for (let attempt = 0; ; attempt++) {
    const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on("error", () => {});
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch (error) {
      if (attempt >= 100) {
        child.kill("SIGTERM");
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      probe.disconnect();
    }
  }
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

describe("RedisLimiterStore (a budget shared by processes)", () => {
  const skip = REDIS_SERVER ? false : "redis-server is not installed (apt-get install redis-server): the Redis store is not tested";
  let redis: { port: number; stop(): Promise<void> } | undefined;
  const connections: Redis[] = [];
  const connect = () => {
    const connection = new Redis({ port: redis!.port, host: "127.0.0.1" });
    connections.push(connection);
    return connection;
  };
  before(async () => {
    if (REDIS_SERVER) redis = await startRedis(REDIS_SERVER);
  });
  after(async () => {
    for (const connection of connections) connection.disconnect();
    await redis?.stop();
  });

  it("a slot reserved through one connection is gone for another", { skip }, async () => {
    const a = new RedisLimiterStore(connect(), { prefix: "t1:" });
    const b = new RedisLimiterStore(connect(), { prefix: "t1:" });
    const bucket = { capacity: 5, drainPerSecond: 1 };
    for (let i = 0; i < 5; i++) assert.equal(await a.reserve("portal", bucket), 0);
    assert.ok((await b.reserve("portal", bucket)) > 0, "the sixth request must wait, whoever sends it");
    await b.blockUntil("portal|m", Date.now() + 60_000);
    assert.ok((await a.blockedUntil("portal|m")) > Date.now());
  });

  it("two clients (two 'processes') share one bucket: 30 writes, the portal refuses none, each message once", { skip }, async () => {
    const portal = await startPortal({ bucket: { capacity: 6, drainPerSecond: 15 } });
    try {
      const bucket = { capacity: 6, drainPerSecond: 15 };
      const clients = [0, 1].map(() => new Bitrix24Client({ url: portal.webhookUrl, bucket, limiterStore: new RedisLimiterStore(connect(), { prefix: "t2:" }) }));
      const texts = Array.from({ length: 30 }, (_, i) => `shared-${i}`);
      await Promise.all(texts.map((text, i) => clients[i % 2].call("im.message.add", { DIALOG_ID: "chat1", MESSAGE: text })));
      assert.equal(attempts(portal, "im.message.add"), 30);
      assert.deepEqual(chat1Texts(portal, "shared-").sort(), [...texts].sort());
    } finally {
      await portal.close();
    }
  });

  it("with separate in-memory stores the same two clients overrun the portal (why sharing matters)", { skip }, async () => {
    const portal = await startPortal({ bucket: { capacity: 6, drainPerSecond: 15 } });
    try {
      const bucket = { capacity: 6, drainPerSecond: 15 };
      const clients = [0, 1].map(() => new Bitrix24Client({ url: portal.webhookUrl, bucket, limiterStore: new MemoryLimiterStore(), retry: { baseDelayMs: 20 }, maxRetries: 20 }));
      await Promise.all(Array.from({ length: 30 }, (_, i) => clients[i % 2].call("im.message.add", { DIALOG_ID: "chat1", MESSAGE: `apart-${i}` })));
      assert.ok(attempts(portal, "im.message.add") > 30, "some requests were refused with 503");
      assert.equal(chat1Texts(portal, "apart-").length, 30, "and still every message exactly once");
    } finally {
      await portal.close();
    }
  });
});
