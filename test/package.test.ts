// The package as users get it: `npm pack` (which builds first) and `npm install` of the tarball into
// fresh projects, one ESM TypeScript and one CommonJS, each sending a message to a local portal that
// this test started and reads back. The install must compile nothing and bring no native module.
//
// npm pack runs in a copy of the package's sources (scripts/pack.ts): its prepack empties dist/ and
// rebuilds, which must not happen under the other test files running the CLI from this checkout's dist/.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { bitrix24 } from "../src/index.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { packFromCopy } from "../scripts/pack.js";
import { useScratchDir } from "./helpers.js";

const ROOT = join(import.meta.dirname, "..");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const QUIET = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];
const scratch = useScratchDir();

async function sh(command: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(command, args, { cwd, maxBuffer: 64 << 20 });
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${e.stdout ?? ""}${e.stderr ?? e.message}`);
  }
}

/** Every file under dir (relative paths). */
function walk(dir: string, base = ""): string[] {
  return readdirSync(join(dir, base), { withFileTypes: true }).flatMap((entry) => {
    const path = join(base, entry.name);
    return entry.isDirectory() ? walk(dir, path) : [path];
  });
}

const TSCONFIG = {
  target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true,
  skipLibCheck: false, types: ["node"], typeRoots: [join(ROOT, "node_modules", "@types")],
};

// An ESM TypeScript project: the library's types (and ioredis 6 fitting RedisLimiterStore), oint/portal's types.
const ESM_MAIN = `
import { bitrix24, Bitrix24Client, RedisLimiterStore } from "oint";
import type { RunningPortal } from "oint/portal";
import { Redis } from "ioredis";

export const shared = (redis: Redis) => new Bitrix24Client({ url: "portal.bitrix24.ru", limiterStore: new RedisLimiterStore(redis) });
export type Portal = RunningPortal;
export const serverTime = async (client: Bitrix24Client): Promise<string> => (await client.call("server.time")).result;

const sent = await bitrix24.sendMessage(process.argv[2]!, "chat1", "from an ESM TypeScript project", [bitrix24.getPictureBlock("P", "https://example.com/p.png")]);
const id: number = sent.result;
console.log(JSON.stringify({ id }));
`;

// A CommonJS project, in TypeScript so the types for require are checked too; tsc turns it into
// require("oint"). It also require()s oint/portal (ESM; Node 20.19+ requires it) and opens its page.
const CJS_MAIN = `
import { bitrix24, Bitrix24Error } from "oint";
import { startPortal } from "oint/portal";
(async () => {
  const sent = await bitrix24.sendMessage(process.argv[2]!, "chat1", "from a CommonJS project");
  const id: number = sent.result;
  const own = await startPortal({ port: 0 });
  const page = await fetch(own.url + "/");
  await own.close();
  console.log(JSON.stringify({ id, errorClass: typeof Bitrix24Error, page: page.status }));
})();
`;

let portal: RunningPortal;
let packed: string[];
let esm: string;
let cjs: string;
let esmBuilt: Promise<string>;
let cjsBuilt: Promise<string>;

before(async () => {
  portal = await startPortal({ port: 0 });
  esm = join(scratch.path, "esm-ts");
  cjs = join(scratch.path, "cjs");
  const projects = [esm, cjs].map(async (dir) => {
    mkdirSync(dir);
    await sh("npm", ["init", "-y"], dir);
    if (dir === esm) await sh("npm", ["pkg", "set", "type=module"], dir);
  });

  const { tarball, files } = await packFromCopy(scratch.path);
  packed = files;
  await Promise.all(projects);
  // Both projects install from the one tarball at the same time; the ESM one also brings ioredis 6.
  await Promise.all([
    sh("npm", ["install", tarball, "ioredis@6", ...QUIET], esm),
    sh("npm", ["install", tarball, ...QUIET], cjs),
  ]);

  // The ESM project compiles as strictly as TypeScript can (a result stays `number`, not `number | undefined`).
  writeFileSync(join(esm, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...TSCONFIG, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, outDir: "out" }, files: ["main.ts"] }));
  writeFileSync(join(esm, "main.ts"), ESM_MAIN);
  writeFileSync(join(cjs, "tsconfig.json"), JSON.stringify({ compilerOptions: TSCONFIG, files: ["main.cts"] }));
  writeFileSync(join(cjs, "main.cts"), CJS_MAIN);
  // An older CommonJS setup (moduleResolution node10, which reads no "exports"): typesVersions gives it both entries' types.
  writeFileSync(join(cjs, "tsconfig.node10.json"), JSON.stringify({ compilerOptions: { ...TSCONFIG, module: "commonjs", moduleResolution: "node10", noEmit: true }, files: ["node10.ts"] }));
  writeFileSync(join(cjs, "node10.ts"), 'import { bitrix24 } from "oint";\nimport { startPortal } from "oint/portal";\nexport const both: [typeof bitrix24.sendMessage, typeof startPortal] = [bitrix24.sendMessage, startPortal];\n');
  // Type-checked and compiled with this project's tsc, both at once; each test awaits its own.
  esmBuilt = sh(process.execPath, [TSC, "-p", "."], esm);
  cjsBuilt = sh(process.execPath, [TSC, "-p", "."], cjs).then((out) => sh(process.execPath, [TSC, "-p", "tsconfig.node10.json"], cjs).then(() => out));
  esmBuilt.catch(() => {});
  cjsBuilt.catch(() => {});
});

after(async () => {
  await Promise.allSettled([esmBuilt, cjsBuilt]);
  await portal?.close();
});

describe("npm pack", () => {
  it("builds first and ships the ESM and CommonJS entries with their types, the CLI, the portal's page, LICENSE and CHANGELOG", () => {
    for (const file of [
      "package.json", "README.md", "LICENSE", "CHANGELOG.md",
      "dist/index.js", "dist/index.d.ts", "dist/cjs/index.js", "dist/cjs/index.d.ts", "dist/cjs/package.json",
      "dist/cli/main.js", "dist/portal/index.js", "dist/portal/index.d.ts", "dist/portal/web/assets/sample.svg",
    ]) {
      assert.ok(packed.includes(file), `${file} is in the tarball`);
    }
    assert.deepEqual(packed.filter((f) => /^(src|test|bench|scripts)\/|\.test\./.test(f)), [], "no sources or tests");
  });
});

describe("npm install of the tarball", () => {
  it("installs pure JavaScript: no better-sqlite3, no ioredis unless asked, no native module or build step", () => {
    for (const dir of [esm, cjs]) {
      const modules = join(dir, "node_modules");
      assert.ok(existsSync(join(modules, "oint", "package.json")));
      assert.ok(!existsSync(join(modules, "better-sqlite3")), "better-sqlite3 is not installed");
      const native = walk(modules).filter((f) => /\.node$|(^|\/)binding\.gyp$/.test(f));
      assert.deepEqual(native, [], "no native module");
    }
    assert.ok(!existsSync(join(cjs, "node_modules", "ioredis")), "ioredis only where the project asked for it");
  });

  it("an ESM TypeScript project type-checks against the package's types (ioredis 6 fits RedisLimiterStore) and sends a message", async () => {
    await esmBuilt;
    const { id } = JSON.parse(await sh(process.execPath, ["out/main.js", portal.webhookUrl], esm)) as { id: number };
    const message = await readBack(id);
    assert.equal(message.text, "from an ESM TypeScript project");
    assert.equal(message.params.ATTACH[0].BLOCKS[0].IMAGE[0].NAME, "P");
  });

  it("a CommonJS project require()s oint (and oint/portal), with types for require (also under moduleResolution node10), and sends a message", async () => {
    await cjsBuilt;
    const compiled = readFileSync(join(cjs, "main.cjs"), "utf8");
    assert.match(compiled, /require\("oint"\)/);
    assert.match(compiled, /require\("oint\/portal"\)/);
    const { id, errorClass, page } = JSON.parse(await sh(process.execPath, ["main.cjs", portal.webhookUrl], cjs)) as { id: number; errorClass: string; page: number };
    assert.equal(errorClass, "function");
    assert.equal(page, 200, "the installed portal serves its page");
    assert.equal((await readBack(id)).text, "from a CommonJS project");
  });

  it("the installed CLI says in one line how to get better-sqlite3 when --data is used without it (exit 4)", async () => {
    const run = await promisify(execFile)(join(cjs, "node_modules", ".bin", "oint"), ["sandbox", "--port", "0", "--data", "portal.db"], { cwd: cjs }).then(
      () => assert.fail("oint sandbox --data must fail without better-sqlite3"),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    assert.equal(run.code, 4);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /^oint sandbox: --data: .*better-sqlite3.*`npm install better-sqlite3`.*\n$/);
    assert.ok(!existsSync(join(cjs, "portal.db")), "no file left behind");
  });

  it("the installed CLI says in one line how to get the MCP SDK when `oint mcp start` runs without it (exit 4)", async () => {
    assert.ok(!existsSync(join(cjs, "node_modules", "@modelcontextprotocol")), "the MCP SDK is not installed by default");
    const run = await promisify(execFile)(join(cjs, "node_modules", ".bin", "oint"), ["mcp", "start"], { cwd: cjs }).then(
      () => assert.fail("oint mcp start must fail without the SDK"),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    assert.equal(run.code, 4);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /^oint mcp: .*@modelcontextprotocol\/sdk.*`npm install @modelcontextprotocol\/sdk`.*\n$/);
  });
});

async function readBack(id: number) {
  const { messages } = (await bitrix24.getChatMessagesList(portal.webhookUrl, "chat1")).result;
  const message = messages.find((m: { id: number }) => m.id === id);
  assert.ok(message, `message ${id} is on the portal`);
  return message as unknown as { text: string; params: { ATTACH: any[] } };
}
