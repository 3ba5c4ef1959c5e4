// The local portal's limits over real HTTP: the leaky bucket (503 QUERY_LIMIT_EXCEEDED) and the
// per-method operating budget (429 OPERATION_TIME_LIMIT, time.operating / operating_reset_at).
// Time is a hand-driven clock, so the assertions are about counts and codes, never durations.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runSandbox } from "../src/portal/cli.js";
import { startPortal, type PortalOptions, type RunningPortal } from "../src/portal/index.js";

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = Date.UTC(2030, 0, 1, 10, 5, 20);
  return { now: () => t, advance: (ms) => void (t += ms) };
}

async function withPortal(options: PortalOptions, body: (portal: RunningPortal) => Promise<void>): Promise<void> {
  const portal = await startPortal(options);
  try {
    await body(portal);
  } finally {
    await portal.close();
  }
}

async function call(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: "POST" });
  return { status: res.status, body: await res.json() };
}

/** Sends `n` calls one after another; returns their statuses. */
async function burst(url: string, n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await call(url)).status);
  return statuses;
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe("leaky bucket", () => {
  it("standard plan: 50 requests pass, the 51st is 503 QUERY_LIMIT_EXCEEDED, half a second later one more passes", async () => {
    const clock = manualClock();
    await withPortal({ plan: "standard", clock: clock.now }, async (portal) => {
      const url = `${portal.webhookUrl}server.time`;
      assert.deepEqual(await burst(url, 50), Array(50).fill(200));
      const refused = await call(url);
      assert.equal(refused.status, 503);
      assert.deepEqual(refused.body, { error: "QUERY_LIMIT_EXCEEDED", error_description: "Too many requests" });

      clock.advance(499); // drains 0.998 of a request: still full
      assert.equal((await call(url)).status, 503);
      clock.advance(1); // 1 / (2 per second)
      assert.equal((await call(url)).status, 200);
      assert.equal((await call(url)).status, 503);
    });
  });

  it("refused requests do not count: after many 503s, one drain interval admits exactly one", async () => {
    const clock = manualClock();
    await withPortal({ plan: "standard", clock: clock.now }, async (portal) => {
      const url = `${portal.webhookUrl}server.time`;
      const first = await burst(url, 60);
      assert.equal(count(first, 200), 50);
      assert.equal(count(first, 503), 10);
      clock.advance(500);
      assert.deepEqual(await burst(url, 3), [200, 503, 503]);
      clock.advance(5_000); // 10 drained
      assert.equal(count(await burst(url, 12), 200), 10);
    });
  });

  it("enterprise plan: 250 pass, then 503; one request drains in 200 ms", async () => {
    const clock = manualClock();
    await withPortal({ plan: "enterprise", clock: clock.now }, async (portal) => {
      const url = `${portal.webhookUrl}server.time`;
      const statuses = await burst(url, 252);
      assert.equal(count(statuses, 200), 250);
      assert.deepEqual(statuses.slice(250), [503, 503]);
      clock.advance(200);
      assert.deepEqual(await burst(url, 2), [200, 503]);
    });
  });

  it("timeScale runs the same rules faster: at timeScale 10 a request drains in 50 ms", async () => {
    const clock = manualClock();
    await withPortal({ plan: "standard", timeScale: 10, clock: clock.now }, async (portal) => {
      const url = `${portal.webhookUrl}server.time`;
      assert.equal(count(await burst(url, 51), 200), 50);
      clock.advance(50);
      assert.deepEqual(await burst(url, 2), [200, 503]);
    });
  });

  it("a custom bucket replaces the plan's numbers", async () => {
    const clock = manualClock();
    await withPortal({ bucket: { capacity: 3, drainPerSecond: 1 }, clock: clock.now }, async (portal) => {
      const url = `${portal.webhookUrl}server.time`;
      assert.deepEqual(await burst(url, 4), [200, 200, 200, 503]);
      clock.advance(1000);
      assert.deepEqual(await burst(url, 2), [200, 503]);
    });
  });

  it("requests with bad credentials are answered 401 and do not fill the bucket", async () => {
    const clock = manualClock();
    await withPortal({ bucket: { capacity: 5 }, clock: clock.now }, async (portal) => {
      const wrong = await burst(`${portal.url}/rest/1/wrongsecret000000/server.time`, 8);
      assert.deepEqual(wrong, Array(8).fill(401));
      assert.equal(count(await burst(`${portal.webhookUrl}server.time`, 6), 200), 5);
    });
  });

  it("startPortal() without limit settings enforces none", async () => {
    await withPortal({}, async (portal) => {
      assert.equal(portal.limits.enabled, false);
      assert.equal(count(await burst(`${portal.webhookUrl}server.time`, 60), 200), 60);
    });
  });
});

describe("operating budget", () => {
  const heavy = { "test.heavy": () => true, "test.light": () => true };
  const options = (clock: ReturnType<typeof manualClock>): PortalOptions => ({
    methods: heavy,
    bucket: { capacity: 10_000 }, // keep the bucket out of the way
    operating: { limitSeconds: 480, costSeconds: { "test.heavy": 20 } },
    clock: clock.now,
  });

  it("fills time.operating per call; the call that crosses 480 s completes, the next is 429 with the time fields", async () => {
    const clock = manualClock();
    await withPortal(options(clock), async (portal) => {
      const url = `${portal.webhookUrl}test.heavy`;
      const expectedReset = Math.ceil((clock.now() + 600_000) / 1000);
      for (let i = 1; i <= 24; i++) {
        const res = await call(url);
        assert.equal(res.status, 200);
        assert.equal(res.body.time.operating, 20 * i);
        assert.equal(res.body.time.operating_reset_at, expectedReset);
      }
      const crossing = await call(url); // 480 is not over the limit yet: this one runs, to 500
      assert.equal(crossing.status, 200);
      assert.equal(crossing.body.time.operating, 500);

      const blocked = await call(url);
      assert.equal(blocked.status, 429);
      assert.equal(blocked.body.error, "OPERATION_TIME_LIMIT");
      assert.equal(blocked.body.error_description, "Method is blocked due to operation time limit.");
      assert.equal(blocked.body.time.operating, 500);
      assert.equal(blocked.body.time.operating_reset_at, expectedReset);
    });
  });

  it("blocks only that method for that webhook: other methods and an OAuth app go on", async () => {
    const clock = manualClock();
    await withPortal(options(clock), async (portal) => {
      for (let i = 0; i < 25; i++) await call(`${portal.webhookUrl}test.heavy`);
      assert.equal((await call(`${portal.webhookUrl}test.heavy`)).status, 429);

      const light = await call(`${portal.webhookUrl}test.light`);
      assert.equal(light.status, 200);
      assert.ok(light.body.time.operating < 1, "another method has its own budget");
      assert.equal((await call(`${portal.webhookUrl}server.time`)).status, 200);
      const viaApp = await call(`${portal.url}/rest/test.heavy?auth=${portal.accessToken}`);
      assert.equal(viaApp.status, 200);
      assert.equal(viaApp.body.time.operating, 20);
    });
  });

  it("unblocks when the oldest one-minute bucket expires (the docs' worked example)", async () => {
    const clock = manualClock();
    await withPortal(options(clock), async (portal) => {
      const url = `${portal.webhookUrl}test.heavy`;
      for (let i = 0; i < 20; i++) assert.equal((await call(url)).status, 200); // 400 s in the first minute
      const firstReset = Math.ceil((clock.now() + 600_000) / 1000);
      clock.advance(60_000);
      let last: any;
      for (let i = 0; i < 5; i++) last = (await call(url)).body; // 500 s
      assert.equal(last.time.operating, 500);
      assert.equal(last.time.operating_reset_at, firstReset, "the oldest bucket decides the reset");
      assert.equal((await call(url)).status, 429);

      clock.advance(540_000 - 1);
      assert.equal((await call(url)).status, 429, "still inside the first bucket's ten minutes");
      clock.advance(1);
      const after = await call(url); // 500 - 400 = 100 left, plus this call
      assert.equal(after.status, 200);
      assert.equal(after.body.time.operating, 120);
      assert.equal(after.body.time.operating_reset_at, Math.ceil((clock.now() - 540_000 + 600_000) / 1000));
    });
  });

  it("with timeScale 10 the window is 60 s of real time", async () => {
    const clock = manualClock();
    await withPortal({ ...options(clock), timeScale: 10 }, async (portal) => {
      const url = `${portal.webhookUrl}test.heavy`;
      for (let i = 0; i < 25; i++) await call(url);
      const blocked = await call(url);
      assert.equal(blocked.status, 429);
      assert.equal(blocked.body.time.operating_reset_at, Math.ceil((clock.now() + 60_000) / 1000));
      clock.advance(60_000);
      assert.equal((await call(url)).status, 200);
    });
  });
});

describe("oint sandbox", () => {
  /** Runs the sandbox until its banner is out, then stops it; returns the exit code and output. */
  async function sandbox(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const stop = new AbortController();
    let stdout = "";
    let stderr = "";
    const io = {
      stdout: { write: (t: string) => ((stdout += t), t.includes("Ctrl+C") && stop.abort(), true) },
      stderr: { write: (t: string) => ((stderr += t), true) },
      signal: stop.signal,
    };
    const code = await runSandbox(argv, io);
    return { code, stdout, stderr };
  }

  it("runs the standard plan by default, and takes --plan and --time-scale", async () => {
    const standard = await sandbox(["--port", "0"]);
    assert.equal(standard.code, 0);
    assert.match(standard.stdout, /Limits: +bucket 50, drain 2\/s, operating 480 s per method\n/);
    const enterprise = await sandbox(["--port", "0", "--plan", "enterprise", "--time-scale", "10"]);
    assert.match(enterprise.stdout, /Limits: +bucket 250, drain 5\/s, operating 480 s per method, time x10\n/);
    assert.match((await sandbox(["--port", "0", "--plan", "off"])).stdout, /Limits: +off\n/);
  });

  it("refuses a bad --plan with exit 4 and a line naming the option", async () => {
    const bad = await sandbox(["--port", "0", "--plan", "gold"]);
    assert.equal(bad.code, 4);
    assert.equal(bad.stderr, 'oint sandbox: --plan must be standard, enterprise or off, not "gold"\n');
    assert.equal((await sandbox(["--port", "0", "--time-scale", "0"])).code, 4);
  });
});
