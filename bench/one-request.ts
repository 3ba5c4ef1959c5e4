// One request from start to exit: `oint bitrix24 ServerTime --url <portal>` against a bare
// `node -e` script sending the same POST with node:http and printing the answer, measured
// alternately in the same run against one local portal running in another process (so neither
// shares a CPU with it more than the other). Prints medians and their ratio (the bar: 1.3x).
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { startPortal } from "../src/portal/index.js";
import { median } from "./measure.js";

const CLI = join(import.meta.dirname, "..", "dist", "cli", "main.js");
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const BAR = 1.3;

// The same request oint sends (POST, JSON body, the same headers), its answer printed.
const BARE = `
const url = process.argv[1] + "server.time";
require("node:http").request(url, { method: "POST", headers: { accept: "application/json", "content-type": "application/json; charset=utf-8" } }, (res) => {
  let text = "";
  res.setEncoding("utf8").on("data", (d) => (text += d)).on("end", () => process.stdout.write(text + "\\n"));
}).end("{}");`;

if (process.argv[2] === "--portal") {
  const portal = await startPortal({ maxRecordedRequests: 10 }); // no limits unless asked
  process.stdout.write(`${portal.webhookUrl}\n`);
  process.stdin.resume().on("end", () => void portal.close().then(() => process.exit(0)));
} else {
  const child = spawn(process.execPath, ["--import", "tsx", import.meta.filename, "--portal"], { stdio: ["pipe", "pipe", "inherit"] });
  const webhookUrl = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once("line", resolve));
  try {
    measure(webhookUrl);
  } finally {
    child.stdin.end();
  }
}

function time(args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0 || !String(result.stdout).includes('"result"')) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}${result.stdout}`);
  return elapsed;
}

function measure(webhookUrl: string): void {
  const bareArgs = ["-e", BARE, webhookUrl];
  const ointArgs = [CLI, "bitrix24", "ServerTime", "--url", webhookUrl];
  for (let i = 0; i < 3; i++) time(bareArgs), time(ointArgs); // warm the file cache
  const bare: number[] = [];
  const oint: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) bare.push(time(bareArgs)), oint.push(time(ointArgs));
    else oint.push(time(ointArgs)), bare.push(time(bareArgs));
  }
  const b = median(bare);
  const o = median(oint);
  console.log(`bare node -e, node:http POST server.time   median ${b.toFixed(1)} ms over ${RUNS} runs`);
  console.log(`oint bitrix24 ServerTime --url ...          median ${o.toFixed(1)} ms over ${RUNS} runs`);
  console.log(`one-request ratio oint / bare node:http: ${(o / b).toFixed(2)}x (bar: at most ${BAR}x)`);
}
