// Per-call client overhead, two ways, each printed as a ratio against its baseline in the same run.
//
// 1. Network stubbed: `Bitrix24Client.call("server.time")` with limits off and a `fetch` that returns
//    a canned answer at once, against a bare loop that calls the same stub and parses its JSON. What
//    is left is oint's own work per call (URL/auth, the limiter and retry bookkeeping, envelope
//    checks): CPU microseconds per call, from process.cpuUsage().
// 2. Loopback HTTP: N `server.time` calls through oint's client against bare loops doing the same POST
//    with node:http (a keep-alive Agent, as oint's transport) and with fetch, against one local portal
//    in a child process, so this process's event loop does only the client's work. The contenders
//    alternate in short rounds (rotating order), so drift in the machine's speed hits them alike; the
//    figure is the median round's wall time per call.
import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { createInterface } from "node:readline";
import { Bitrix24Client } from "../src/transport/client.js";
import { startPortal } from "../src/portal/index.js";
import { median } from "./measure.js";

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const ROUNDS = 20;
const PER_ROUND = Math.ceil(CALLS / ROUNDS);
const STUB_CALLS = Number(process.env.BENCH_STUB_CALLS ?? 50_000);


if (process.argv[2] === "--portal") {
  const portal = await startPortal({ maxRecordedRequests: 10 }); // no limits unless asked
  process.stdout.write(`${portal.webhookUrl}\n`);
  process.stdin.resume().on("end", () => void portal.close().then(() => process.exit(0)));
} else {
  await stubbed();
  await main();
}

async function stubbed(): Promise<void> {
  const canned = JSON.stringify({ result: "2026-01-01T00:00:00+00:00", time: { start: 1, finish: 1, duration: 0, processing: 0, date_start: "x", date_finish: "x", operating_reset_at: 2, operating: 0 } });
  const answer = { status: 200, ok: true, text: async () => canned };
  const stub = (async () => answer) as unknown as typeof fetch;
  const url = "http://127.0.0.1:9/rest/1/stubbedsecret/";
  const client = new Bitrix24Client({ url, plan: "off", fetch: stub });

  async function bare(): Promise<void> {
    const response = await stub(`${url}server.time`, { method: "POST", body: "{}" });
    const body = JSON.parse(await response.text()) as { result?: unknown };
    if (!response.ok || body.result === undefined) throw new Error("bare stub");
  }
  const viaOint = () => client.call("server.time");

  async function cpuPerCall(call: () => Promise<unknown>, n: number): Promise<number> {
    const before = process.cpuUsage();
    for (let i = 0; i < n; i++) await call();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / n; // µs
  }
  for (let i = 0; i < 5_000; i++) await bare(), await viaOint(); // warm up (JIT)
  const bareRuns: number[] = [];
  const ointRuns: number[] = [];
  for (let r = 0; r < 5; r++) {
    bareRuns.push(await cpuPerCall(bare, STUB_CALLS / 5));
    ointRuns.push(await cpuPerCall(viaOint, STUB_CALLS / 5));
  }
  const b = median(bareRuns);
  const o = median(ointRuns);
  console.log(`network stubbed (a fetch returning a canned answer), ${STUB_CALLS} calls each, CPU per call (median of 5 runs)`);
  console.log(`  bare stub call + JSON.parse   ${b.toFixed(1)} µs`);
  console.log(`  oint Bitrix24Client.call      ${o.toFixed(1)} µs: overhead ${(o - b).toFixed(1)} µs per call, ratio ${(o / b).toFixed(1)}x`);
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
  const agent = new Agent({ keepAlive: true });

  function bareHttp(): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = request(url, { method: "POST", headers: { ...headers, "content-length": "2" }, agent }, (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (d: string) => (text += d));
        res.on("end", () => {
          const body = JSON.parse(text) as { result?: unknown };
          if (res.statusCode !== 200 || body.result === undefined) reject(new Error(`bare node:http: HTTP ${res.statusCode}`));
          else resolve();
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end("{}");
    });
  }
  async function bareFetch(): Promise<void> {
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

  const contenders = [bareHttp, bareFetch, viaOint];
  for (let i = 0; i < 200; i++) for (const call of contenders) await call(); // warm up (JIT, sockets)
  const times: number[][] = contenders.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const which = (r + k) % contenders.length;
      times[which].push(await round(contenders[which]));
    }
  }
  const [h, f, o] = times.map(median);
  console.log(`loopback HTTP: ${ROUNDS * PER_ROUND} server.time calls each, in ${ROUNDS} rotating rounds, limits off (median round)`);
  console.log(`  bare node:http loop (keep-alive)  ${(h * 1000).toFixed(0)} µs per call`);
  console.log(`  bare fetch loop                   ${(f * 1000).toFixed(0)} µs per call, ratio ${(f / h).toFixed(2)}x`);
  console.log(`  oint Bitrix24Client.call          ${(o * 1000).toFixed(0)} µs per call, ratio ${(o / h).toFixed(2)}x (vs bare fetch ${(o / f).toFixed(2)}x)`);
}
