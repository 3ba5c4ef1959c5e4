// Each benchmark contender runs in its own child process (its own module state, its own limiter):
// the parent spawns this same script with `--worker …`, the child prints one JSON line with its result.
import { spawn } from "node:child_process";

/** In the child: runs `work` with the words after `--worker` and prints its result (or error) as JSON. */
export function isWorker(): boolean {
  return process.argv[2] === "--worker";
}

export function serveWorker<R>(work: (args: string[]) => Promise<R>): void {
  work(process.argv.slice(3)).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => process.stdout.write(`${JSON.stringify({ error: String((error as Error)?.message ?? error).slice(0, 300) })}\n`),
  );
}

/**
 * In the parent: runs `script --worker ...args` trusting the portal's certificate `ca`, and returns the
 * child's JSON line, or `{ error }`. Bounded: a child still running after `timeoutMs` is killed.
 */
export function runWorker<R extends { error?: string }>(script: string, args: string[], ca: string, timeoutMs: number): Promise<R> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, "--worker", ...args], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: ca },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    const limit = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(limit);
      try {
        resolve(JSON.parse(out.trim().split("\n").pop() ?? "") as R);
      } catch {
        resolve({ error: `exited ${code} without a result${err ? `: ${err.trim().split("\n").slice(-1)[0].slice(0, 200)}` : ""}` } as R);
      }
    });
  });
}
