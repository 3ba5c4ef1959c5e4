// Test helpers: a local portal per test file and a way to run the built `oint` CLI as a user would.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { Bitrix24Error } from "../src/index.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";

export const CLI = join(import.meta.dirname, "..", "dist", "cli", "main.js");
// OINT_CLI_SOURCE=1 runs the CLI from src/ through tsx (no build needed while developing).
export const CLI_ARGS = process.env.OINT_CLI_SOURCE === "1" ? ["--import", "tsx", join(import.meta.dirname, "..", "src", "cli", "main.ts")] : [CLI];

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node dist/cli/main.js ...args` asynchronously (the in-process portal keeps answering).
 * `input` is written to its stdin (otherwise stdin is closed); `unset` names variables of this
 * process's environment the CLI must not see; `nodeArgs` go to node before the CLI's path.
 */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; input?: string | Buffer; unset?: readonly string[]; nodeArgs?: readonly string[] } = {},
): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  for (const name of options.unset ?? []) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...CLI_ARGS, ...args], {
      cwd: options.cwd,
      env,
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

/** One local portal for the whole test file, closed at the end. */
export function usePortal(): { readonly portal: RunningPortal } {
  const holder = {} as { portal: RunningPortal };
  before(async () => {
    holder.portal = await startPortal({ port: 0 });
  });
  after(async () => {
    await holder.portal?.close();
  });
  return holder;
}

/** A scratch directory removed after the test file. */
export function useScratchDir(): { readonly path: string } {
  const holder = {} as { path: string };
  before(() => {
    holder.path = mkdtempSync(join(tmpdir(), "oint-test-"));
  });
  after(() => rmSync(holder.path, { recursive: true, force: true }));
  return holder;
}

/** A loopback port nothing listens on (bound once, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The call fails with Bitrix24's error `code` and HTTP `status`. */
export async function expectError(promise: Promise<unknown>, code: string, status = 400): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof Bitrix24Error, String(error));
    assert.equal(error.code, code);
    assert.equal(error.status, status);
    return true;
  });
}
