// Per-request cost of persistence: `server.time` and `im.message.add` against a portal kept in a
// file (`--data`) holding 50,000 stored rows (40,000 leads and 10,000 messages, made directly in
// the stores, saved, and loaded again by a restart) and against one holding none, measured in the
// same run, alternating in batches. A flush writes only the rows a request changed, so the stored
// rows must not show in the time of a request (the bar: at most 1.2x).
import { mkdtempSync, rmSync } from "node:fs";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { median, timedPost } from "./measure.js";

const ROWS = Number(process.env.BENCH_ROWS ?? 50_000);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 10);
const PER_BATCH = Number(process.env.BENCH_PER_BATCH ?? 200);
const BAR = 1.2;

const dir = mkdtempSync(join(tmpdir(), "oint-bench-persist-"));
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

const post = (url: string, body: string) => timedPost(agent, url, body);

/** A portal file with `rows` stored rows, opened again so they come from the file. */
async function portalWith(rows: number): Promise<RunningPortal> {
  const file = join(dir, `portal-${rows}.db`);
  const making = await startPortal({ data: file });
  const leads = Math.round(rows * 0.8);
  for (let i = 0; i < leads; i++) making.state.leads.rows.insert({ TITLE: `Stored lead ${i}`, STATUS_ID: "NEW", OPENED: "Y", ASSIGNED_BY_ID: 1 });
  for (let i = leads; i < rows; i++) making.state.createMessage({ chatId: 1, authorId: 1, text: `Stored message ${i}` });
  await making.close(); // the last flush writes them
  return startPortal({ data: file });
}

try {
  const empty = await portalWith(0);
  const full = await portalWith(ROWS);
  const stored = full.state.leads.size + full.state.listMessages(1, { limit: Number.MAX_SAFE_INTEGER }).length;
  const cases = [
    { name: "server.time", method: "server.time", body: "{}" },
    { name: "im.message.add", method: "im.message.add", body: JSON.stringify({ DIALOG_ID: "chat1", MESSAGE: "bench" }) },
  ];
  console.log(`portal files: ${stored} stored rows vs ${empty.state.leads.size} leads; ${BATCHES} batches of ${PER_BATCH} requests each, alternating`);
  const ratios: number[] = [];
  for (const c of cases) {
    const times = new Map<RunningPortal, number[]>([
      [empty, []],
      [full, []],
    ]);
    for (const portal of [empty, full]) for (let i = 0; i < 50; i++) await post(`${portal.webhookUrl}${c.method}`, c.body); // warm-up
    for (let batch = 0; batch < BATCHES; batch++) {
      for (const portal of batch % 2 === 0 ? [empty, full] : [full, empty]) {
        for (let i = 0; i < PER_BATCH; i++) times.get(portal)!.push(await post(`${portal.webhookUrl}${c.method}`, c.body));
      }
    }
    const e = median(times.get(empty)!);
    const f = median(times.get(full)!);
    ratios.push(f / e);
    console.log(`${c.name.padEnd(15)} --data, 0 rows: median ${e.toFixed(3)} ms   --data, ${stored} rows: median ${f.toFixed(3)} ms   ratio ${(f / e).toFixed(2)}x (bar: at most ${BAR}x)`);
  }
  await empty.close();
  await full.close();
  const worst = Math.max(...ratios);
  console.log(`persistence ratio, worst of the two: ${worst.toFixed(2)}x (bar: at most ${BAR}x)${worst > BAR ? "  OVER THE BAR" : ""}`);
} finally {
  agent.destroy();
  rmSync(dir, { recursive: true, force: true });
}
