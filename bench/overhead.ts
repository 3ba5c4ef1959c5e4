// Per-call client overhead with limits off: N `server.time` calls through oint's client (limiter,
// retry bookkeeping, envelope checks) against a bare `fetch` loop doing the same POST, measured in
// this run against one local portal over plain HTTP. The portal runs in a child process, so this
// process's event loop does only the client's work. The two alternate in short rounds (ABBA order),
// so drift in the machine's speed hits both alike; the figure is the median round's time per call.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { Bitrix24Client } from "../src/transport/client.js";
import { startPortal } from "../src/portal/index.js";

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const ROUNDS = 20;
const PER_ROUND = Math.ceil(CALLS / ROUNDS);

if (process.argv[2] === "--portal") {
  const portal = await startPortal({ maxRecordedRequests: 10 }); // no limits unless asked
  process.stdout.write(`${portal.webhookUrl}\n`);
  process.stdin.resume().on("end", () => void portal.close().then(() => process.exit(0)));
} else {
  await main();
}

async function main(): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", import.meta.filename, "--portal"], { stdio: ["pipe", "pipe", "inherit"] });
  const webhookUrl = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once("line", resolve));
  try {
    await measure(webhookUrl);
  } finally {
    child.stdin.end();
  }
}

async function measure(webhookUrl: string): Promise<void> {
  const client = new Bitrix24Client({ url: webhookUrl, plan: "off" });
  const url = `${webhookUrl}server.time`;
  // The same request oint sends: POST, JSON body, the same headers.
  const headers = { accept: "application/json", "user-agent": "bench", "content-type": "application/json; charset=utf-8" };

  async function bare(): Promise<void> {
    const response = await fetch(url, { method: "POST", headers, body: "{}" });
    const body = JSON.parse(await response.text()) as { result?: unknown };
    if (!response.ok || body.result === undefined) throw new Error(`bare fetch: HTTP ${response.status}`);
  }
  const viaOint = () => client.call("server.time");

  async function round(call: () => Promise<unknown>): Promise<number> {
    const started = performance.now();
    for (let i = 0; i < PER_ROUND; i++) await call();
    return (performance.now() - started) / PER_ROUND;
  }

  for (let i = 0; i < 200; i++) await bare(), await viaOint(); // warm up both paths (JIT, sockets)
  const bareTimes: number[] = [];
  const ointTimes: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) bareTimes.push(await round(bare)), ointTimes.push(await round(viaOint));
    else ointTimes.push(await round(viaOint)), bareTimes.push(await round(bare));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const b = median(bareTimes);
  const o = median(ointTimes);
  console.log(`${ROUNDS * PER_ROUND} server.time calls each, in ${ROUNDS} alternating rounds, limits off, loopback HTTP`);
  console.log(`bare fetch loop          ${(b * 1000).toFixed(0)} µs per call (median round)`);
  console.log(`oint Bitrix24Client.call ${(o * 1000).toFixed(0)} µs per call (median round)`);
  console.log(`overhead: ${((o - b) * 1000).toFixed(0)} µs per call, ratio oint / bare fetch ${(o / b).toFixed(2)}x`);
}
