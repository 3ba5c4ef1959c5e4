// Updating 5,000 CRM deals (crm.deal.update, 50 to a batch) against a local portal with Bitrix24's
// real bucket (50, draining 2/s), time-scaled: wall time against the minimum the bucket allows, 503s
// the portal sent, and the same job done by @bitrix24/b24jssdk's batch helper, all measured in this run.
//
// Like bench/bulk-send.ts (the model): each contender runs in its own child process against its own
// fresh portal seeded with 5,000 synthetic deals (an empty bucket), over HTTPS (b24jssdk accepts only
// https webhooks), trusting the portal's certificate through NODE_EXTRA_CA_CERTS. Time is measured
// inside the child, from the first request to the last answer. Afterwards the portal's own deals are
// read: each must carry its new title and comment exactly as sent.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isWorker, runWorker, serveWorker } from "./worker.js";
import { startPortal } from "../src/portal/index.js";
import { storeFor } from "../src/portal/engine/crud.js";
import { dealEntity } from "../src/portal/data/deals.js";
import { CAPACITY, DRAIN, countRefusals, medianRun, minimumMs, wallRatios } from "./measure.js";

const DEALS = Number(process.env.BENCH_DEALS ?? 5000);
const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 10);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

interface WorkerResult {
  ms?: number;
  updated?: number;
  error?: string;
}

const title = (id: number) => `Deal #${id}, reviewed`;
const comment = (id: number) => `bench update ${id}`;

// ---- Workers (child processes) -------------------------------------------------------------------

async function worker(name: string, url: string, count: number, scale: number): Promise<WorkerResult> {
  const drain = DRAIN * scale;
  const calls = Array.from({ length: count }, (_, i) => ({
    method: "crm.deal.update",
    params: { id: i + 1, fields: { TITLE: title(i + 1), COMMENTS: comment(i + 1), STAGE_ID: "PREPARATION" } },
  }));
  switch (name) {
    case "oint-batch": {
      const { Bitrix24Client } = await import("../src/transport/client.js");
      const client = new Bitrix24Client({ url, bucket: { capacity: CAPACITY, drainPerSecond: drain } });
      // The modules oint loads on first use (to keep CLI start-up fast) are loaded before the clock
      // starts, as b24jssdk's are by its import: loading code is not part of the sending.
      await Promise.all([import("../src/transport/batch.js"), import("qs"), import(url.startsWith("https:") ? "node:https" : "node:http")]);
      const start = performance.now();
      const outcomes = await client.batch(calls, { halt: false });
      const ms = performance.now() - start;
      const failed = outcomes.find((o) => !o.ok);
      return { ms, updated: outcomes.filter((o) => o.ok && o.result === true).length, ...(failed && !failed.ok ? { error: String(failed.error) } : {}) };
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
      return { ms, updated: (response.getData() as unknown[]).filter((r) => r === true).length };
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
  /** Deals the portal holds with exactly the title and comment sent. */
  stored: number;
  minimumMs: number;
}


async function measure(name: string, scale: number, dir: string): Promise<Measured> {
  const portal = await startPortal({ plan: "standard", timeScale: scale, https: true, deals: DEALS, maxRecordedRequests: 10 });
  const refused = countRefusals(portal);
  let restRequests = 0;
  // The recorder keeps only a few requests (memory); they are counted as they come.
  const record = portal.requests;
  const originalPush = record.push.bind(record);
  record.push = (...items) => {
    restRequests += items.filter((r) => r.restMethod).length;
    return originalPush(...items);
  };
  const ca = join(dir, `ca-${portal.port}.pem`);
  writeFileSync(ca, portal.certificate!);
  try {
    // Bounded: a contender that hangs is stopped and reported.
    const result = await runWorker<WorkerResult>(import.meta.filename, [name, portal.webhookUrl, String(DEALS), String(scale)], ca, Math.max(120_000, minimumMs(DEALS, scale) * 6));
    const deals = storeFor(portal.state, dealEntity);
    let stored = 0;
    for (let id = 1; id <= DEALS; id++) {
      const deal = deals.get(id);
      if (deal?.TITLE === title(id) && deal.COMMENTS === comment(id) && deal.STAGE_ID === "PREPARATION") stored++;
    }
    return { name, scale, ...result, requests: restRequests, refused: refused(), stored, minimumMs: minimumMs(DEALS, scale) };
  } finally {
    await portal.close();
  }
}


async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "oint-bench-ca-"));
  try {
    console.log(`updating ${DEALS} deals (crm.deal.update in batches of 50), bucket ${CAPACITY} draining ${DRAIN}/s; timeScale ${TIME_SCALE} runs: median of ${REPEAT}`);
    const runs: Measured[] = [];
    // Each contender REPEAT times, the median kept (medianRun).
    for (const name of ["oint-batch", "b24jssdk"]) {
      runs.push(await medianRun(REPEAT, () => measure(name, TIME_SCALE, dir)));
    }
    // At real speed too (fixed costs such as the TLS handshake weigh less there).
    if (process.env.BENCH_SKIP_REAL_TIME !== "1") runs.push(await measure("oint-batch", 1, dir), await measure("b24jssdk", 1, dir));
    console.log("");
    console.log("contender      timeScale  minimum   wall      wall/min  HTTP req  503s  updated  stored as sent  vs oint-batch (wall/min)");
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
          String(r.updated ?? "-").padEnd(8),
          String(r.stored).padEnd(15),
          vsOint !== undefined ? `${vsOint.toFixed(2)}x` : "-",
        ].join(" "),
      );
      if (r.error) console.log(`  ${r.name}: ${r.error}`);
    }
    console.log("");
    console.log("wall/min: wall time over the minimum the bucket allows ((ceil(N/50) - 50) / drain per second).");
    for (const r of runs.filter((o) => o.name === "oint-batch")) {
      const ratio = r.ms !== undefined ? r.ms / Math.max(1, r.minimumMs) : Infinity;
      const met = ratio <= 1.05 && r.refused === 0 && r.stored === DEALS;
      console.log(`bar (oint, timeScale ${r.scale}): within 5 % of the minimum, zero 503s, every deal stored as sent: ${ratio.toFixed(3)}x, ${r.refused} 503s, ${r.stored}/${DEALS} -> ${met ? "met" : "NOT MET"}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
