// `npm pack` of this package from a copy of its sources (package.json, tsconfigs, scripts, src, the
// docs it ships), so prepack's clean build happens in the copy, never under whatever is running from
// this checkout's dist/ at the time. Used by test/package.test.ts and bench/install-size.ts.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const ROOT = join(import.meta.dirname, "..");
const SOURCES = ["package.json", "tsconfig.json", "tsconfig.cjs.json", "scripts", "src", "README.md", "LICENSE", "CHANGELOG.md"];

export interface Packed {
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Paths inside the package, as npm lists them. */
  files: string[];
}

/** Packs into `dir` (a copy of the sources goes to dir/source); resolves with the tarball. */
export async function packFromCopy(dir: string): Promise<Packed> {
  const source = join(dir, "source");
  mkdirSync(source, { recursive: true });
  for (const entry of SOURCES) cpSync(join(ROOT, entry), join(source, entry), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(source, "node_modules"), "dir");
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)("npm", ["pack", "--json", "--pack-destination", dir], { cwd: source, maxBuffer: 64 << 20 }));
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`npm pack failed:\n${e.stderr || e.stdout || e.message}`);
  }
  const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  return { tarball: join(dir, info!.filename), files: info!.files.map((f) => f.path) };
}
