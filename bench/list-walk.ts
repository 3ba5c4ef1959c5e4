// Walking lists of 100,000 CRM leads (crm.lead.list), CRM deals (crm.deal.list) and tasks
// (tasks.task.list: items under result.tasks, camelCase `id`) against a local portal with Bitrix24's
// real bucket (50, draining 2/s), time-scaled: HTTP requests and wall time of oint's batched keyset
// paging (up to 50 keyset pages per `batch` request) against @bitrix24/b24jssdk's list helper
// (actions.v2.fetchList: keyset paging, one page per request), measured in this run.
//
// Each walk runs in a child process against its own fresh portal over HTTPS (b24jssdk accepts only
// https webhooks; the certificate is trusted through NODE_EXTRA_CA_CERTS). Both clients are given
// the same bucket parameters, scaled like the portal. BENCH_LISTS=tasks (or leads,deals) walks fewer.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isWorker, runWorker, serveWorker } from "./worker.js";
import { startPortal, type PortalOptions } from "../src/portal/index.js";
import { CAPACITY, countRefusals, DRAIN } from "./measure.js";

const COUNT = Number(process.env.BENCH_LEADS ?? process.env.BENCH_ITEMS ?? 100_000);
const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 10);

/** What each list is and how b24jssdk's fetchList must be told about it (oint knows from LIST_QUIRKS). */
const LISTS = {
  leads: { method: "crm.lead.list", seed: "leads", select: ["ID", "TITLE"], b24: { idKey: "ID" } },
  deals: { method: "crm.deal.list", seed: "deals", select: ["ID", "TITLE"], b24: { idKey: "ID" } },
  tasks: { method: "tasks.task.list", seed: "tasks", select: ["ID", "TITLE"], b24: { idKey: "id", cursorIdKey: "ID", customKeyForResult: "tasks" } },
} as const satisfies Record<string, { method: string; seed: keyof PortalOptions; select: string[]; b24: Record<string, string> }>;
type ListName = keyof typeof LISTS;

/** The bar per list: oint's share of the one-page-per-request walker's HTTP requests (issue #11: tasks at most 1/40). */
const REQUEST_BAR: Partial<Record<ListName, number>> = { tasks: 40 };

interface WorkerResult {
  ms?: number;
  items?: number;
  distinct?: number;
  ordered?: boolean;
  error?: string;
}

async function worker(name: string, list: ListName, url: string, scale: number): Promise<WorkerResult> {
  const { method, select, b24: b24Options } = LISTS[list];
  const ids = new Set<number>();
  let items = 0;
  let last = 0;
  let ordered = true;
  const see = (id: number) => {
    items++;
    ids.add(id);
    if (id <= last) ordered = false;
    last = id;
  };
  const started = performance.now();
  if (name === "oint") {
    const { Bitrix24Client } = await import("../src/transport/client.js");
    const client = new Bitrix24Client({ url, bucket: { capacity: CAPACITY, drainPerSecond: DRAIN * scale } });
    for await (const item of client.list<{ ID?: string; id?: string }>(method, { select }, { mode: "batched-keyset" })) see(Number(item.ID ?? item.id));
  } else if (name === "b24jssdk") {
    const { B24Hook, ParamsFactory } = await import("@bitrix24/b24jssdk");
    const b24 = B24Hook.fromWebhookUrl(url);
    await b24.setRestrictionManagerParams({ ...ParamsFactory.getDefault(), rateLimit: { burstLimit: CAPACITY, drainRate: DRAIN * scale, adaptiveEnabled: true } });
    for await (const chunk of b24.actions.v2.fetchList.make<{ ID?: string; id?: string }>({ method, params: { select }, ...b24Options })) {
      for (const item of chunk) see(Number(item.ID ?? item.id));
    }
  } else throw new Error(`unknown worker ${name}`);
  return { ms: performance.now() - started, items, distinct: ids.size, ordered };
}

if (isWorker()) {
  serveWorker(([name, list, url, scale]) => worker(name, list as ListName, url, Number(scale)));
} else {
  await main();
}

interface Measured extends WorkerResult {
  name: string;
  requests: number;
  refused: number;
}

async function measure(name: string, list: ListName, dir: string): Promise<Measured> {
  const portal = await startPortal({ plan: "standard", timeScale: TIME_SCALE, https: true, [LISTS[list].seed]: COUNT, maxRecordedRequests: 10 });
  let requests = 0;
  const refused = countRefusals(portal);
  const push = portal.requests.push.bind(portal.requests);
  portal.requests.push = (...items) => {
    requests += items.filter((r) => r.restMethod).length;
    return push(...items);
  };
  const ca = join(dir, `ca-${portal.port}.pem`);
  writeFileSync(ca, portal.certificate!);
  try {
    const result = await runWorker<WorkerResult>(import.meta.filename, [name, list, portal.webhookUrl, String(TIME_SCALE)], ca, 300_000);
    return { name, ...result, requests, refused: refused() };
  } finally {
    await portal.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "oint-bench-ca-"));
  const lists = (process.env.BENCH_LISTS?.split(",") ?? Object.keys(LISTS)) as ListName[];
  try {
    for (const list of lists) {
      const { method } = LISTS[list];
      console.log(`walking ${COUNT} ${list} (${method}, select ID and TITLE), bucket ${CAPACITY} draining ${DRAIN}/s at timeScale ${TIME_SCALE}`);
      const runs = [await measure("oint", list, dir), await measure("b24jssdk", list, dir)];
      const [oint, b24] = runs;
      console.log("walker     HTTP requests  503s  wall       items    distinct  in order  requests vs oint  wall vs oint");
      for (const r of runs) {
        console.log(
          [
            r.name.padEnd(10),
            String(r.requests).padEnd(14),
            String(r.refused).padEnd(5),
            (r.ms !== undefined ? `${(r.ms / 1000).toFixed(2)} s` : "-").padEnd(10),
            String(r.items ?? "-").padEnd(8),
            String(r.distinct ?? "-").padEnd(9),
            (r.ordered === undefined ? "-" : r.ordered ? "yes" : "no").padEnd(9),
            `${(r.requests / Math.max(1, oint.requests)).toFixed(1)}x`.padEnd(17),
            r.ms !== undefined && oint.ms !== undefined ? `${(r.ms / oint.ms).toFixed(1)}x` : "-",
          ].join(" "),
        );
        if (r.error) console.log(`  ${r.name}: ${r.error}`);
      }
      const bar = REQUEST_BAR[list];
      if (bar !== undefined) {
        const share = oint.requests / Math.max(1, b24.requests);
        const complete = oint.items === COUNT && oint.distinct === COUNT && oint.ordered === true;
        console.log(`bar: oint at most 1/${bar} of one-page-per-request's HTTP requests, every item once, in order: 1/${(1 / share).toFixed(1)}, ${complete ? "complete" : "INCOMPLETE"} -> ${share <= 1 / bar && complete ? "met" : "NOT MET"}`);
      }
      console.log("");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
