// Every CLI example of OpenIntegrations' own docs (fixtures/opi-cli-index.json, all 179 functions) runs
// through oint's CLI as written: a user's script copied from those docs keeps working. Each runs with
// `--test`, so nothing reaches the docs' portal; the printed plan must name the REST method OpenIntegrations' code calls,
// and the secrets put in place of the docs' "***" must not be printed.
//
// What is changed in an example: the docs' redactions ("***") of a token, client secret or refresh token
// become secrets this test looks for, a redacted chat becomes the number 5, and the example files'
// http(s) links point at a local server holding files of the same names (no network here).
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { opiMethod, readOpiIndex } from "../scripts/opi-index.js";
import { runCli } from "./helpers.js";

const INDEX = readOpiIndex();

const SECRETS: Record<string, string> = {
  "--token": "tok-9f1c2e7ab44d0c31",
  "--clientsecret": "csec-5d8e1b9a77f0c2aa",
  "--refresh": "rfr-0a6b3c9d2e8f7154",
};
const CHAT = "5"; // a chat number: a valid CHAT_ID, and as DIALOG_ID the private dialog with user 5

/** The words of a docs example: double-quoted strings (with \" and \\), unquoted words. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const m of line.matchAll(pattern)) words.push(m[1] !== undefined ? m[1].replace(/\\(["\\])/g, "$1") : m[2]!);
  return words;
}

let files: Server;
let filesUrl = "";
before(async () => {
  files = createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url!, "http://x").pathname.slice(1));
    res.writeHead(200, { "content-type": name.endsWith(".docx") ? "application/vnd.openxmlformats-officedocument.wordprocessingml.document" : "image/jpeg" });
    res.end(Buffer.from(`bytes of ${name}`));
  });
  await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/`;
});
after(() => new Promise<void>((resolve) => files.close(() => resolve())));

/** The example's command line as this test runs it (see the top of the file). */
function adapted(example: string): { args: string[]; secrets: string[] } {
  const words = shellWords(example);
  assert.deepEqual(words.slice(0, 2), ["oint", "bitrix24"], example);
  const args = words.slice(1);
  const secrets: string[] = [];
  for (let i = 2; i < args.length; i++) {
    const option = args[i - 1]!;
    if (args[i] === "***" && SECRETS[option]) secrets.push((args[i] = SECRETS[option]!));
    else if (args[i] === "***" && option === "--chat") args[i] = CHAT;
    else args[i] = args[i]!.replace(/https:\/\/(?:hut\.openintegrations\.dev|raw\.githubusercontent\.com|github\.com)\/[^\s"',}]*\/([\w.-]+)/g, (_, name: string) => filesUrl + name);
  }
  return { args: [...args, "--test"], secrets };
}

/** What a `--test` plan names: the REST method of a one-call function, the calls of a multi-step one. */
function plannedCalls(stdout: string): string[] {
  let plan: { method?: string; calls?: string[] };
  try {
    plan = JSON.parse(stdout);
  } catch {
    return []; // a local function prints its result (a link, a structure)
  }
  return plan.method ? [plan.method] : (plan.calls ?? []);
}

// The one example oint refuses on purpose (README, "Where oint differs"): a filter date it cannot read.
const REFUSED: Record<string, RegExp> = {
  GetCalendarEvents: /filter\.from: expected a date .* got "01\/07\/2026 10:11:51"/,
};

describe("OpenIntegrations' CLI examples run through oint as written", { concurrency: 3 }, () => {
  it("covers every function of the index", () => {
    assert.equal(INDEX.length, 179);
    assert.ok(INDEX.every((f) => f.cliExample.startsWith("oint bitrix24 ")));
  });

  for (const entry of INDEX) {
    it(`${entry.en}: ${entry.cliExample.length > 110 ? `${entry.cliExample.slice(0, 110)}…` : entry.cliExample}`, async () => {
      const { args, secrets } = adapted(entry.cliExample);
      const run = await runCli(args);
      for (const secret of secrets) assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), `${entry.en} printed a secret`);
      if (REFUSED[entry.en]) {
        assert.equal(run.code, 4, run.stderr);
        assert.match(run.stderr, REFUSED[entry.en]!);
        assert.equal(run.stdout, "");
        return;
      }
      assert.equal(run.code, 0, `${entry.en} exited ${run.code}: ${run.stderr}`);
      assert.equal(run.stderr, "");
      const method = opiMethod(entry);
      if (method !== "local" && method !== "oauth") assert.equal(plannedCalls(run.stdout)[0], method, run.stdout);
    });
  }

  it("GetCalendarEvents' example with its dates written as dates is sent", async () => {
    const example = INDEX.find((f) => f.en === "GetCalendarEvents")!.cliExample.replaceAll("01/07/2026 10:11:51", "2026-01-07T10:11:51").replaceAll("01/08/2026 10:11:51", "2026-01-08T10:11:51");
    const run = await runCli(adapted(example).args);
    assert.equal(run.code, 0, run.stderr);
    const plan = JSON.parse(run.stdout);
    assert.equal(plan.method, "calendar.event.get");
    assert.deepEqual([plan.body.from, plan.body.to, plan.body.section], ["2026-01-07", "2026-01-08", ["1894", "1896"]]);
  });
});
