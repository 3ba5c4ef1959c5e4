// Dialog reads cost what they return: a page of a dialog's messages (im.dialog.messages.get, 20)
// and counting unread (im.dialog.read, which answers the counter) against a chat holding 100,000
// messages and against one holding a single page of them (so both answers are the same size), in
// memory and with --data, measured in the same
// run, alternating in batches. Messages are kept per chat in id order and counted per author, so
// neither call looks at more than it returns (the bar: at most 1.2x).
import { mkdtempSync, rmSync } from "node:fs";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { median, timedPost } from "./measure.js";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 10);
const PER_BATCH = Number(process.env.BENCH_PER_BATCH ?? 200);
const BAR = 1.2;
const PAGE = 20;

const dir = mkdtempSync(join(tmpdir(), "oint-bench-dialog-"));
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

const post = (url: string, body: string) => timedPost(agent, url, body);

/** A portal whose chat 1 holds `count` more messages (by users 1 and 2, so unread is counted for each). */
async function portalWith(count: number, data: boolean): Promise<RunningPortal> {
  if (!data) {
    const portal = await startPortal({});
    for (let i = 0; i < count; i++) portal.state.createMessage({ chatId: 1, authorId: 1 + (i % 2), text: `Stored message ${i}` });
    return portal;
  }
  const file = join(dir, `portal-${count}.db`);
  const making = await startPortal({ data: file });
  for (let i = 0; i < count; i++) making.state.createMessage({ chatId: 1, authorId: 1 + (i % 2), text: `Stored message ${i}` });
  await making.close(); // the last flush writes them
  return startPortal({ data: file });
}

try {
  const ratios: number[] = [];
  for (const data of [false, true]) {
    const small = await portalWith(PAGE, data);
    const big = await portalWith(MESSAGES, data);
    const sizes = [small, big].map((p) => p.state.messageCount(1));
    // Read marks far back, so the counter has most of the chat to count.
    const cases = [
      { name: "im.dialog.messages.get", method: "im.dialog.messages.get", body: () => JSON.stringify({ DIALOG_ID: "chat1", LIMIT: PAGE }) },
      { name: "im.dialog.read", method: "im.dialog.read", body: () => JSON.stringify({ DIALOG_ID: "chat1", MESSAGE_ID: 1 }) },
    ];
    console.log(`${data ? "--data" : "in memory"}: chat 1 holds ${sizes[0]} vs ${sizes[1]} messages; ${BATCHES} batches of ${PER_BATCH} requests each, alternating`);
    for (const c of cases) {
      const times = new Map<RunningPortal, number[]>([
        [small, []],
        [big, []],
      ]);
      for (const portal of [small, big]) for (let i = 0; i < 50; i++) await post(`${portal.webhookUrl}${c.method}`, c.body()); // warm-up
      for (let batch = 0; batch < BATCHES; batch++) {
        for (const portal of batch % 2 === 0 ? [small, big] : [big, small]) {
          for (let i = 0; i < PER_BATCH; i++) times.get(portal)!.push(await post(`${portal.webhookUrl}${c.method}`, c.body()));
        }
      }
      const s = median(times.get(small)!);
      const b = median(times.get(big)!);
      ratios.push(b / s);
      console.log(`  ${c.name.padEnd(24)} ${sizes[0]} messages: median ${s.toFixed(3)} ms   ${sizes[1]} messages: median ${b.toFixed(3)} ms   ratio ${(b / s).toFixed(2)}x (bar: at most ${BAR}x)`);
    }
    await small.close();
    await big.close();
  }
  const worst = Math.max(...ratios);
  console.log(`dialog reads, worst ratio: ${worst.toFixed(2)}x (bar: at most ${BAR}x)${worst > BAR ? "  OVER THE BAR" : ""}`);
} finally {
  agent.destroy();
  rmSync(dir, { recursive: true, force: true });
}
