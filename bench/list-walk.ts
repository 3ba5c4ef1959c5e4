// Walking a list of 100,000 CRM leads (crm.lead.list) against a local portal with Bitrix24's real
// bucket (50, draining 2/s), time-scaled: HTTP requests and wall time of oint's batched keyset
// paging (up to 50 keyset pages per `batch` request) against @bitrix24/b24jssdk's list helper
// (actions.v2.fetchList: keyset paging, one page per request), measured in this run.
//
// Each walk runs in a child process against its own fresh portal over HTTPS (b24jssdk accepts only
// https webhooks; the certificate is trusted through NODE_EXTRA_CA_CERTS). Both clients are given
// the same bucket parameters, scaled like the portal.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isWorker, runWorker, serveWorker } from "./worker.js";
import { startPortal } from "../src/portal/index.js";

const LEADS = Number(process.env.BENCH_LEADS ?? 100_000);
const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 10);
const CAPACITY = 50;
const DRAIN = 2;

interface WorkerResult {
  ms?: number;
  items?: number;
  distinct?: number;
  error?: string;
}

async function worker(name: string, url: string, scale: number): Promise<WorkerResult> {
  const ids = new Set<number>();
  let items = 0;
  const started = performance.now();
  if (name === "oint") {
    const { Bitrix24Client } = await import("../src/transport/client.js");
    const client = new Bitrix24Client({ url, bucket: { capacity: CAPACITY, drainPerSecond: DRAIN * scale } });
    for await (const lead of client.list<{ ID: string }>("crm.lead.list", { select: ["ID", "TITLE"] }, { mode: "batched-keyset" })) {
      items++;
      ids.add(Number(lead.ID));
    }
  } else if (name === "b24jssdk") {
    const { B24Hook, ParamsFactory } = await import("@bitrix24/b24jssdk");
    const b24 = B24Hook.fromWebhookUrl(url);
    await b24.setRestrictionManagerParams({ ...ParamsFactory.getDefault(), rateLimit: { burstLimit: CAPACITY, drainRate: DRAIN * scale, adaptiveEnabled: true } });
    for await (const chunk of b24.actions.v2.fetchList.make<{ ID: string }>({ method: "crm.lead.list", params: { select: ["ID", "TITLE"] }, idKey: "ID" })) {
      for (const lead of chunk) {
        items++;
        ids.add(Number(lead.ID));
      }
    }
  } else throw new Error(`unknown worker ${name}`);
  return { ms: performance.now() - started, items, distinct: ids.size };
}

if (isWorker()) {
  serveWorker(([name, url, scale]) => worker(name, url, Number(scale)));
} else {
  await main();
}

interface Measured extends WorkerResult {
  name: string;
  requests: number;
  refused: number;
}

async function measure(name: string, dir: string): Promise<Measured> {
  const portal = await startPortal({ plan: "standard", timeScale: TIME_SCALE, https: true, leads: LEADS, maxRecordedRequests: 10 });
  let requests = 0;
  let refused = 0;
  const push = portal.requests.push.bind(portal.requests);
  portal.requests.push = (...items) => {
    requests += items.filter((r) => r.restMethod).length;
    return push(...items);
  };
  const admit = portal.limits.admit.bind(portal.limits);
  portal.limits.admit = (client: string) => {
    try {
      admit(client);
    } catch (error) {
      refused++;
      throw error;
    }
  };
  const ca = join(dir, `ca-${portal.port}.pem`);
  writeFileSync(ca, portal.certificate!);
  try {
    const result = await runWorker<WorkerResult>(import.meta.filename, [name, portal.webhookUrl, String(TIME_SCALE)], ca, 300_000);
    return { name, ...result, requests, refused };
  } finally {
    await portal.close();
  }
}


async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "oint-bench-ca-"));
  try {
    console.log(`walking ${LEADS} leads (crm.lead.list, select ID and TITLE), bucket ${CAPACITY} draining ${DRAIN}/s at timeScale ${TIME_SCALE}`);
    const runs = [await measure("oint", dir), await measure("b24jssdk", dir)];
    const [oint] = runs;
    console.log("");
    console.log("walker     HTTP requests  503s  wall       items    distinct  requests vs oint  wall vs oint");
    for (const r of runs) {
      console.log(
        [
          r.name.padEnd(10),
          String(r.requests).padEnd(14),
          String(r.refused).padEnd(5),
          (r.ms !== undefined ? `${(r.ms / 1000).toFixed(2)} s` : "-").padEnd(10),
          String(r.items ?? "-").padEnd(8),
          String(r.distinct ?? "-").padEnd(9),
          `${(r.requests / Math.max(1, oint.requests)).toFixed(1)}x`.padEnd(17),
          r.ms !== undefined && oint.ms !== undefined ? `${(r.ms / oint.ms).toFixed(1)}x` : "-",
        ].join(" "),
      );
      if (r.error) console.log(`  ${r.name}: ${r.error}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
