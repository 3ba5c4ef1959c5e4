// CLI start-up cost: `oint bitrix24 GetPictureBlock --title x --url y` (no network) against a bare
// `node -e 0`, measured alternately in the same run; prints medians and their ratio (the bar: 1.3x).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { median } from "./measure.js";

const CLI = join(import.meta.dirname, "..", "dist", "cli", "main.js");
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const BAR = 1.3;

function time(args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}


const bare: number[] = [];
const oint: number[] = [];
for (let i = 0; i < 3; i++) time(["-e", "0"]), time([CLI, "bitrix24", "GetPictureBlock", "--title", "x", "--url", "y"]); // warm the file cache
for (let i = 0; i < RUNS; i++) {
  const runBare = () => bare.push(time(["-e", "0"]));
  const runOint = () => oint.push(time([CLI, "bitrix24", "GetPictureBlock", "--title", "x", "--url", "y"]));
  if (i % 2 === 0) runBare(), runOint();
  else runOint(), runBare();
}
const b = median(bare);
const o = median(oint);
console.log(`node -e 0                                   median ${b.toFixed(1)} ms over ${RUNS} runs`);
console.log(`oint bitrix24 GetPictureBlock --title x ...  median ${o.toFixed(1)} ms over ${RUNS} runs`);
console.log(`start-up ratio oint / bare node: ${(o / b).toFixed(2)}x (bar: at most ${BAR}x)`);
