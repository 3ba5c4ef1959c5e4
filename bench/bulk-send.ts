// Bulk send of 5,000 messages against a local portal with Bitrix24's real bucket (50, draining 2/s),
// time-scaled: wall time against the minimum the bucket allows, 503s the portal sent, and the same
// job done by @bitrix24/b24jssdk and @2bad/bitrix, all measured in this run.
//
// Each contender runs in its own child process against its own fresh portal (an empty bucket), over
// HTTPS (b24jssdk accepts only https webhooks), trusting the portal's certificate through
// NODE_EXTRA_CA_CERTS. Time is measured inside the child, from the first request to the last answer.
// @2bad/bitrix paces at a fixed 2 requests per real second that cannot be scaled, so it runs against
// a portal at real speed (timeScale 1) and is compared by its ratio to that portal's minimum.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isWorker, runWorker, serveWorker } from "./worker.js";
import { startPortal } from "../src/portal/index.js";
import { CAPACITY, DRAIN, countRefusals, medianRun, minimumMs, wallRatios } from "./measure.js";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 5000);
const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 10);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

interface WorkerResult {
  ms?: number;
  delivered?: number;
  error?: string;
}

const text = (i: number) => `bench message ${i + 1}`;

// ---- Workers (child processes) -------------------------------------------------------------------

async function worker(name: string, url: string, count: number, scale: number): Promise<WorkerResult> {
  const drain = DRAIN * scale;
  const calls = Array.from({ length: count }, (_, i) => ({ method: "im.message.add", params: { DIALOG_ID: "chat1", MESSAGE: text(i) } }));
  switch (name) {
    case "oint-batch": {
      const { Bitrix24Client } = await import("../src/transport/client.js");
      const client = new Bitrix24Client({ url, bucket: { capacity: CAPACITY, drainPerSecond: drain } });
      const start = performance.now(); // loading the module is not part of the sending
      const outcomes = await client.batch(calls, { halt: false });
      return { ms: performance.now() - start, delivered: outcomes.filter((o) => o.ok).length };
    }
    case "oint-bulk": {
      // The bulk command's machinery: lines checked by SendMessage's definition, journal fsync'd per batch.
      const { Bitrix24Client } = await import("../src/transport/client.js");
      const { Journal } = await import("../src/bulk/journal.js");
      const { bulkSend, journalingFetch } = await import("../src/bulk/send.js");
      const { buildPayload } = await import("../src/catalogue/invoke.js");
      const { sendMessage } = await import("../src/catalogue/regions/messages.js");
      const dir = mkdtempSync(join(tmpdir(), "oint-bench-"));
      try {
        const lines = [];
        for (let i = 0; i < count; i++) lines.push({ line: i + 1, payload: await buildPayload(sendMessage, { url, chatId: "chat1", text: text(i) }) });
        const journal = Journal.open(join(dir, "bench.journal"), "bench", new Set(lines.map((l) => l.line)));
        const client = new Bitrix24Client({ url, bucket: { capacity: CAPACITY, drainPerSecond: drain }, fetch: journalingFetch(() => journal) });
        const start = performance.now(); // checking the lines is not part of the sending
        const summary = await bulkSend(client, lines, journal);
        return { ms: performance.now() - start, delivered: summary.sent, ...(summary.stopped ? { error: summary.stopped.message } : {}) };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    case "b24jssdk": {
      const { B24Hook, ParamsFactory } = await import("@bitrix24/b24jssdk");
      const b24 = B24Hook.fromWebhookUrl(url);
      // Its documented knob for the bucket: the same parameters, scaled like the portal.
      await b24.setRestrictionManagerParams({ ...ParamsFactory.getDefault(), rateLimit: { burstLimit: CAPACITY, drainRate: drain, adaptiveEnabled: true } });
      const start = performance.now();
      const response = await b24.actions.v2.batchByChunk.make({ calls: calls.map((c) => [c.method, c.params] as [string, Record<string, unknown>]), options: { isHaltOnError: false } });
      const ms = performance.now() - start;
      if (!response.isSuccess) return { ms, error: response.getErrorMessages().join("; ").slice(0, 200) };
      return { ms, delivered: (response.getData() as unknown[]).length };
    }
    case "2bad": {
      const { default: Bitrix } = (await import("@2bad/bitrix")) as unknown as { default: (url: string) => { batch(c: unknown[]): Promise<unknown> } };
      const bitrix = Bitrix(url.replace(/\/$/, ""));
      const start = performance.now();
      await bitrix.batch(calls);
      // Its merged answer is not counted: it merges the chunks' results by key, and the local portal
      // answers an array-style `cmd` with a keyed map, so the keys of one chunk overwrite another's.
      return { ms: performance.now() - start };
    }
  }
  throw new Error(`unknown worker ${name}`);
}

if (isWorker()) {
  serveWorker(([name, url, count, scale]) => worker(name, url, Number(count), Number(scale)));
} else {
  await main();
}

// ---- The run (parent) -----------------------------------------------------------------------------

interface Measured extends WorkerResult {
  name: string;
  scale: number;
  requests: number;
  refused: number;
  /** Messages the portal holds afterwards (delivered exactly once each?). */
  stored: number;
  duplicates: number;
  minimumMs: number;
}


async function measure(name: string, scale: number, dir: string): Promise<Measured> {
  const portal = await startPortal({ plan: "standard", timeScale: scale, https: true, maxRecordedRequests: 10 });
  const refused = countRefusals(portal);
  let restRequests = 0;
  // The recorder keeps only a few requests (memory); they are counted as they come.
  const record = portal.requests;
  const ca = join(dir, `ca-${portal.port}.pem`);
  writeFileSync(ca, portal.certificate!);
  try {
    const originalPush = record.push.bind(record);
    record.push = (...items) => {
      restRequests += items.filter((r) => r.restMethod).length;
      return originalPush(...items);
    };
    // Bounded: a contender that hangs is stopped and reported.
    const result = await runWorker<WorkerResult>(import.meta.filename, [name, portal.webhookUrl, String(MESSAGES), String(scale)], ca, Math.max(120_000, minimumMs(MESSAGES, scale) * 6));
    const texts = portal.state.listMessages(1, { limit: 1_000_000 }).filter((m) => m.text.startsWith("bench message ")).map((m) => m.text);
    return {
      name,
      scale,
      ...result,
      requests: restRequests,
      refused: refused(),
      stored: new Set(texts).size,
      duplicates: texts.length - new Set(texts).size,
      minimumMs: minimumMs(MESSAGES, scale),
    };
  } finally {
    await portal.close();
  }
}



async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "oint-bench-ca-"));
  try {
    console.log(`bulk send of ${MESSAGES} messages (im.message.add in batches of 50), bucket ${CAPACITY} draining ${DRAIN}/s; timeScale ${TIME_SCALE} runs: median of ${REPEAT}`);
    const runs: Measured[] = [];
    // Each contender REPEAT times, the median kept (medianRun).
    const only = process.env.BENCH_ONLY?.split(","); // e.g. BENCH_ONLY=oint-batch for a quick look
    for (const name of ["oint-batch", "oint-bulk", "b24jssdk"].filter((n) => !only || only.includes(n))) {
      runs.push(await medianRun(REPEAT, () => measure(name, TIME_SCALE, dir)));
    }
    // At real speed too: oint (fixed costs such as the TLS handshake weigh less there) and @2bad/bitrix.
    if (process.env.BENCH_SKIP_REAL_TIME !== "1") runs.push(await measure("oint-batch", 1, dir), await measure("2bad", 1, dir));
    console.log("");
    console.log("contender      timeScale  minimum   wall      wall/min  HTTP req  503s  delivered  stored once  vs oint-batch at the same timeScale (wall/min)");
    for (const r of runs) {
      const { ratio, vsBaseline: vsOint } = wallRatios(r, runs, "oint-batch"); // against oint-batch at the same time scale
      console.log(
        [
          r.name.padEnd(14),
          String(r.scale).padEnd(10),
          `${(r.minimumMs / 1000).toFixed(2)} s`.padEnd(9),
          (r.ms !== undefined ? `${(r.ms / 1000).toFixed(2)} s` : "-").padEnd(9),
          (ratio !== undefined ? `${ratio.toFixed(3)}x` : "-").padEnd(9),
          String(r.requests).padEnd(9),
          String(r.refused).padEnd(5),
          String(r.delivered ?? "-").padEnd(10),
          `${r.stored}${r.duplicates ? ` (+${r.duplicates} dup)` : ""}`.padEnd(12),
          vsOint !== undefined ? `${vsOint.toFixed(2)}x` : "-",
        ].join(" "),
      );
      if (r.error) console.log(`  ${r.name}: ${r.error}`);
    }
    console.log("");
    console.log("wall/min: wall time over the minimum the bucket allows ((ceil(N/50) - 50) / drain per second); goal for oint: within 5 %, zero 503s.");
    console.log("@2bad/bitrix paces at a fixed 2 requests per real second, so it runs at timeScale 1 and is compared by wall/min.");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
