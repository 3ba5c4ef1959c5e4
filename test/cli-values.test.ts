// Option values and help routing found by a user review: an option given no value never takes the
// next word when that word is an option (a dry run must not send for real), `-c=value`, `oint
// bitrix24 help X`, `oint help bitrix25`, a function's name where the library goes, and help
// examples and descriptions that say what the function accepts. Through the built CLI (or src/ with
// OINT_CLI_SOURCE=1), against the local portal: a refused command must send nothing.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Bitrix24Client } from "../src/index.js";
import { runCli, usePortal, useScratchDir, type CliRun } from "./helpers.js";

const ctx = usePortal();
const scratch = useScratchDir();
const hook = () => ctx.portal.webhookUrl;
const CONNECTION = ["OINT_URL", "OINT_TOKEN", "OINT_CONFIG_DIR", "NO_COLOR"];

function runWith(args: readonly string[], options: { input?: string; cwd?: string } = {}): Promise<CliRun> {
  return runCli(args, { input: options.input ?? "", cwd: options.cwd, unset: CONNECTION });
}

/** The newest message of a dialog as the portal stores it. */
async function lastText(dialog: string): Promise<string | undefined> {
  const answer = (await new Bitrix24Client({ url: hook() }).call("im.dialog.messages.get", { DIALOG_ID: dialog })) as { result: { messages: { text: string }[] } };
  return answer.result.messages[0]?.text;
}

/** Runs a command that must be refused: exit 4, one line matching `pattern`, no request at the portal. */
async function refused(args: readonly string[], pattern: RegExp, options: { cwd?: string } = {}): Promise<CliRun> {
  const before = ctx.portal.requests.length;
  const run = await runWith(args, options);
  assert.equal(run.code, 4, `${args.join(" ")}: ${run.stderr}${run.stdout}`);
  assert.match(run.stderr, pattern);
  assert.equal(run.stderr.split("\n").filter(Boolean).length, 1, "one line");
  assert.equal(run.stdout, "", "no request shown or result printed");
  assert.equal(ctx.portal.requests.length, before, "nothing reached the portal");
  return run;
}

describe("an option word is never taken as the value before it", () => {
  const send = (...more: string[]) => ["bitrix24", "SendMessage", "--url", hook(), "-c", "chat1", ...more];

  it("--text --test and --text --help are refused, not sent as the text (an empty $MSG)", async () => {
    await refused(send("--text", "--test"), /^oint: --text: needs a value \(the next word, --test, is an option; to use it as the value, write --text=--test\)\./);
    await refused(send("--text", "--help"), /^oint: --text: needs a value \(the next word, --help, is an option;/);
    await refused(send("-t", "--debug"), /^oint: --text: needs a value \(the next word, --debug, is an option;/);
    await refused(send("--text", "-h"), /the next word, -h, is an option/);
    await refused(["bitrix24", "SendMessage", "--url", hook(), "--text", "-c", "chat1"], /^oint: --text: needs a value \(the next word, -c, is an option;/);
    await refused(["bitrix24", "SendMessage", "--url", "--test", "-c", "chat1", "--text", "hi"], /^oint: --url: needs a value \(the next word, --test/);
  });

  it("an option with its value joined is an option too; its value is not repeated", async () => {
    const run = await refused(send("--text", "--token=s3cr3tTok3nValue"), /^oint: --text: needs a value \(the next word, --token=…, is an option; to use such a word as the value, write --text=WORD\)/);
    assert.ok(!run.stderr.includes("s3cr3tTok3nValue"));
  });

  it("--out --test is refused and writes no file named --test", async () => {
    await refused(send("--text", "hi", "--out", "--test"), /^oint: --out: needs a value \(the next word, --test, is an option; to use it as the value, write --out=--test\)/, { cwd: scratch.path });
    assert.deepEqual(readdirSync(scratch.path), []);
    assert.ok(!existsSync(join(scratch.path, "--test")));
  });

  it("--text=--test sends the text --test where --text --test is refused; words that only start with - stay values", async () => {
    await refused(send("--text", "--test"), /--text=--test/);
    for (const text of ["--test", "--help", "-h"]) {
      const run = await runWith(send(`--text=${text}`));
      assert.equal(run.code, 0, run.stderr);
      assert.equal(await lastText("chat1"), text);
    }
    for (const text of ["-5", "- item", "-x", "--not-an-option"]) {
      const run = await runWith(send("--text", text));
      assert.equal(run.code, 0, `${text}: ${run.stderr}`);
      assert.equal(await lastText("chat1"), text);
    }
    const piped = await runWith(send("--text", "-"), { input: "from stdin\n" });
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(await lastText("chat1"), "from stdin");
  });
});

describe("short options with =", () => {
  it("-c=chat1 is --chat=chat1 (it was an unknown option -c)", async () => {
    const run = await runWith(["bitrix24", "SendMessage", "-u", hook(), "-c=chat1", "-t=short form"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(await lastText("chat1"), "short form");
    const dash = await runWith(["bitrix24", "SendMessage", "-u", hook(), "-c=chat1", "-t=-"]);
    assert.equal(dash.code, 0, dash.stderr);
    assert.equal(await lastText("chat1"), "-", "-t=- is the text -, as --text=- is");
    await refused(["bitrix24", "SendMessage", "-u", hook(), "-c=chat1", "--chat", "chat1", "-t", "x"], /given more than once \(as -c and as --chat\)/);
  });

  it("-cchat1 is refused with how to write it, the value not repeated", async () => {
    const run = await refused(["bitrix24", "SendMessage", "-u", hook(), "-cchat1", "-t", "hi"], /^oint: --chat: -c and its value are written as one word; write -c VALUE or -c=VALUE\./);
    assert.ok(!run.stderr.includes("chat1"));
  });
});

describe("help routing", () => {
  it("oint bitrix24 help SendMessage is SendMessage's page", async () => {
    const [viaHelp, direct] = await Promise.all([runWith(["bitrix24", "help", "SendMessage"]), runWith(["bitrix24", "SendMessage", "--help"])]);
    assert.equal(viaHelp.code, 0, viaHelp.stderr);
    assert.match(viaHelp.stdout, /^oint bitrix24 SendMessage \(/);
    assert.equal(viaHelp.stdout, direct.stdout);
    assert.equal((await runWith(["bitrix24", "-h", "SendMessage"])).stdout, direct.stdout);
  });

  it("oint help bitrix25 is an unknown library, as oint bitrix25 is", async () => {
    for (const args of [["help", "bitrix25"], ["bitrix25"], ["help", "bitrix25", "SendMessage"]]) {
      const run = await runWith(args);
      assert.equal(run.code, 1, `${args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, /^oint: unknown library "bitrix25"\. Did you mean bitrix24\?/);
    }
  });

  it("a function's name where the library goes suggests the command", async () => {
    const before = ctx.portal.requests.length;
    for (const [word, name] of [["sendmessage", "SendMessage"], ["SendMesage", "SendMessage"], ["ОтправитьСообщение", "SendMessage"]]) {
      const run = await runWith([word, "--url", hook(), "-c", "chat1", "-t", "hi"]);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, new RegExp(`^oint: unknown library "${word}"\\. Did you mean \`oint bitrix24 ${name}\`\\?`));
    }
    assert.equal(ctx.portal.requests.length, before, "nothing sent");
  });
});

describe("help pages say what a function accepts", () => {
  /** The words of a help page's example line (single and double quotes as a shell reads them). */
  const exampleWords = (page: string): string[] => {
    const line = page.trimEnd().split("\n").at(-1)!.trim();
    return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
  };

  for (const name of ["CreateTask", "CreateCalendarEvent"]) {
    it(`${name}'s example gives --fields as a JSON object, and the example is accepted`, async () => {
      const page = await runWith(["bitrix24", name, "--help"]);
      assert.equal(page.code, 0, page.stderr);
      const words = exampleWords(page.stdout);
      assert.deepEqual(words.slice(0, 3), ["oint", "bitrix24", name]);
      const fields = words[words.indexOf("--fields") + 1];
      assert.ok(!fields.startsWith("["), `a list is refused: ${fields}`);
      const args = words.slice(1).map((w) => (w.startsWith("https://portal.bitrix24.ru/") ? hook() : w));
      const run = await runWith([...args, "--test"]);
      assert.equal(run.code, 0, run.stderr);
      const body = JSON.parse(run.stdout).body as Record<string, unknown>;
      assert.ok(Object.keys(body).length > 0);
    });
  }

  it("StartTimekeeping's --time says a date and time, and the form it names is accepted", async () => {
    const page = await runWith(["bitrix24", "StartTimekeeping", "--help"]);
    assert.equal(page.code, 0, page.stderr);
    const line = page.stdout.split("\n").find((l) => l.includes("--time"))!;
    assert.doesNotMatch(line, /The time, of today/);
    assert.match(line, /yyyy-MM-ddTHH:mm/);
    assert.match(line, /a time alone, such as 09:00, is refused/);
    await refused(["bitrix24", "StartTimekeeping", "--url", hook(), "--time", "09:00", "--report", "late", "--test"], /^oint: --time: expected a date/);
    const shown = await runWith(["bitrix24", "StartTimekeeping", "--url", hook(), "--time", "2026-01-07T09:00+03:00", "--report", "late", "--test"]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(JSON.parse(shown.stdout).body.TIME, "2026-01-07T09:00:00+03:00");
  });
});
