// One row per function: run through the CLI as a user would, in both auth modes where it takes
// --url/--token, against a local portal; the printed JSON must have the real sample's shape
// (opi-sample-shape.ts), and no secret may be printed. test/samples.test.ts (messaging, users,
// settings) and test/samples-<area>.test.ts (the other regions) are tables of such rows.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { catalogue } from "../src/catalogue/index.js";
import type { Definition } from "../src/catalogue/define.js";
import type { RunningPortal } from "../src/portal/index.js";
import { runCli } from "./helpers.js";
import { assertLikeSample, opiSample, type ShapeOptions } from "./opi-sample-shape.js";

/** An auth mode: the CLI's --url (and --token), and the same for library calls that prepare inputs. */
export interface SampleMode {
  name: "webhook" | "token";
  auth: string[];
  url: string;
  token: string;
}

export interface SampleRow<M extends SampleMode = SampleMode> {
  /** The OpenIntegrations function, run as `oint bitrix24 <fn>`. */
  fn: string;
  /** The sample to compare with (default: the function's own). */
  sample?: string;
  /** A test name beyond the function's (when a sample has two rows). */
  title?: string;
  /** Functions without --url/--token (computed locally, or OAuth) run once. */
  once?: true;
  /** The function's options (without --url/--token), from what was prepared; may prepare more. */
  args: (m: M) => string[] | Promise<string[]>;
  /** Environment for the CLI. */
  env?: () => Record<string, string>;
  /** Exit code expected (default 0; 3 when the sample is an error envelope). */
  exit?: number;
  /** Allowances beyond the sample's own, each with its reason in a comment beside the row. */
  shape?: ShapeOptions;
}

/** The two auth modes for a portal: user 1's webhook, and the portal address with user 1's OAuth token. */
export function authModes(portal: RunningPortal): SampleMode[] {
  return [
    { name: "webhook", auth: ["--url", portal.webhookUrl], url: portal.webhookUrl, token: "" },
    { name: "token", auth: ["--url", portal.url, "--token", portal.accessToken], url: portal.url, token: portal.accessToken },
  ];
}

/** The CLI's printed answer: JSON, or a bare string (GetAppAuthLink prints the link itself). */
function printed(stdout: string, sample: unknown): unknown {
  return typeof sample === "string" ? stdout.replace(/\n$/, "") : JSON.parse(stdout);
}

export interface RowsOptions<M extends SampleMode> {
  portal: () => RunningPortal;
  /** The modes, made on the first test's demand (inputs prepared through the library over HTTP). */
  modes: () => Promise<M[]>;
  /** How many rows run at once (they must not depend on each other). */
  concurrency?: number;
}

export function describeSampleRows<M extends SampleMode>(title: string, rows: readonly SampleRow<M>[], options: RowsOptions<M>): void {
  describe(title, { concurrency: options.concurrency ?? 4 }, () => {
    for (const row of rows) {
      const sample = row.sample ?? row.fn;
      describe(row.title ? `${row.fn}: ${row.title}` : row.fn, () => {
        for (const mode of row.once ? [undefined] : (["webhook", "token"] as const)) {
          it(mode ? `${mode}: prints an answer shaped like ${sample}.json` : `prints an answer shaped like ${sample}.json`, async () => {
            const modes = await options.modes();
            const m = modes.find((candidate) => candidate.name === mode) ?? modes[0];
            const run = await runCli(["bitrix24", row.fn, ...(mode ? m.auth : []), ...(await row.args(m))], { env: row.env?.() });
            assert.equal(run.code, row.exit ?? 0, run.stderr || run.stdout);
            const answer = printed(run.stdout, opiSample(sample));
            assertLikeSample(answer, sample, row.shape);
            // An error sample is a fixed envelope: the same values, not only the same shape.
            if (row.exit === 3) assert.deepEqual(answer, opiSample(sample));
            const portal = options.portal();
            for (const secret of [portal.secret, m.token].filter(Boolean)) assert.ok(!(run.stdout + run.stderr).includes(secret), "no secret is printed");
          });
        }
      });
    }
  });
}

/** Every OpenIntegrations function of these regions is a row (a new one must show its answer's shape); oint's additions have no sample. */
export function assertRegionsCovered(regions: readonly string[], rows: readonly SampleRow<any>[]): void {
  const covered = new Set(rows.map((r) => r.fn));
  const missing = (catalogue as readonly Definition[]).filter((d) => regions.includes(d.region) && !d.addition && !covered.has(d.name)).map((d) => d.name);
  assert.deepEqual(missing, [], "functions of these regions without a sample row");
}
