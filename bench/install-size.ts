// Install weight of the REST client as a user gets it: `npm install` of the packed oint (built by
// `npm pack` from a copy of the sources) into a fresh project, against `npm install
// @bitrix24/b24jssdk` (the version in our devDependencies) into another, measured in the same run.
// Each install starts from an empty npm cache of its own, so both download everything from the
// registry as a first-time user does; rounds alternate the order. Printed: bytes of node_modules,
// packages, native modules, wall time (median), and the ratios b24jssdk / oint.
import { execFile } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { packFromCopy } from "../scripts/pack.js";
import { median } from "./measure.js";

const ROUNDS = Number(process.env.BENCH_INSTALL_ROUNDS ?? 3);
const ROOT = join(import.meta.dirname, "..");
const B24_VERSION = (JSON.parse(readFileSync(join(ROOT, "node_modules", "@bitrix24", "b24jssdk", "package.json"), "utf8")) as { version: string }).version;

interface Install {
  ms: number;
  bytes: number;
  packages: number;
  native: number;
}

function sizeOf(dir: string): { bytes: number; native: number } {
  let bytes = 0;
  let native = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = sizeOf(path);
      bytes += inner.bytes;
      native += inner.native;
    } else {
      bytes += lstatSync(path).size;
      if (entry.name.endsWith(".node")) native++;
    }
  }
  return { bytes, native };
}

async function install(spec: string, work: string, round: number, name: string): Promise<Install> {
  const project = join(work, `${name}-${round}`);
  const cache = join(work, `cache-${name}-${round}`);
  mkdirSync(project);
  await promisify(execFile)("npm", ["init", "-y"], { cwd: project });
  const started = performance.now();
  await promisify(execFile)("npm", ["install", spec, "--cache", cache, "--no-audit", "--no-fund", "--loglevel=error"], { cwd: project, maxBuffer: 64 << 20 });
  const ms = performance.now() - started;
  const lock = JSON.parse(readFileSync(join(project, "node_modules", ".package-lock.json"), "utf8")) as { packages: Record<string, unknown> };
  const packages = Object.keys(lock.packages).filter((key) => key.includes("node_modules/")).length;
  const result = { ms, packages, ...sizeOf(join(project, "node_modules")) };
  rmSync(cache, { recursive: true, force: true });
  return result;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

const work = mkdtempSync(join(tmpdir(), "oint-bench-install-"));
try {
  const { tarball } = await packFromCopy(work);
  const contenders: [string, string][] = [
    ["oint (packed)", tarball],
    [`@bitrix24/b24jssdk ${B24_VERSION}`, `@bitrix24/b24jssdk@${B24_VERSION}`],
  ];
  const runs = new Map<string, Install[]>(contenders.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const [name, spec] of order) runs.get(name)!.push(await install(spec, work, round, name.split(" ")[0]!.replace(/\W/g, "")));
  }

  const summary = contenders.map(([name]) => {
    const all = runs.get(name)!;
    return { name, ms: median(all.map((r) => r.ms)), bytes: all[0]!.bytes, packages: all[0]!.packages, native: all[0]!.native };
  });
  console.log(`client-only install, fresh project and empty npm cache each time, ${ROUNDS} rounds (median wall time):`);
  for (const s of summary) {
    console.log(`  ${s.name.padEnd(28)} ${mb(s.bytes).padStart(10)}  ${String(s.packages).padStart(3)} packages  ${s.native} native  ${(s.ms / 1000).toFixed(2)} s`);
  }
  const [oint, b24] = summary as [(typeof summary)[0], (typeof summary)[0]];
  console.log(`ratio b24jssdk / oint: size ${(b24.bytes / oint.bytes).toFixed(2)}x, packages ${(b24.packages / oint.packages).toFixed(2)}x, time ${(b24.ms / oint.ms).toFixed(2)}x`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
