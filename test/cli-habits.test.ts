// The CLI's everyday habits (issue #15 point 4): help at every level, --version, "did you mean",
// `-` for stdin, shell completion, OINT_URL/profiles for every function, colour only on a terminal.
// Through the built CLI (or src/ with OINT_CLI_SOURCE=1), calls against the local portal.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { Definition } from "../src/catalogue/define.js";
import { catalogue } from "../src/catalogue/index.js";
import { Bitrix24Client } from "../src/index.js";
import { CLI_ARGS, runCli, usePortal, useScratchDir, type CliRun } from "./helpers.js";

const ctx = usePortal();
const scratch = useScratchDir();
const hook = () => ctx.portal.webhookUrl;
const VERSION = JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8")).version as string;
const CONNECTION = ["OINT_URL", "OINT_TOKEN", "OINT_CONFIG_DIR", "NO_COLOR"];

/** The CLI with `input` on its stdin (empty unless given) and a clean environment for the connection (plus `env`). */
function runWith(args: readonly string[], options: { input?: string | Buffer; env?: Record<string, string> } = {}): Promise<CliRun> {
  return runCli(args, { env: options.env, input: options.input ?? "", unset: CONNECTION.filter((name) => !options.env?.[name]) });
}

/** The last messages of a dialog, newest first, as the portal stores them. */
async function messages(dialog: string): Promise<{ id: number; text: string; params?: Record<string, unknown> }[]> {
  const answer = (await new Bitrix24Client({ url: hook() }).call("im.dialog.messages.get", { DIALOG_ID: dialog })) as { result: { messages: { id: number; text: string }[] } };
  return answer.result.messages;
}

describe("help at every level", () => {
  it("-h, --help and help print the same page for oint, bitrix24 and a method", async () => {
    const pages = async (forms: string[][]) => {
      const runs = await Promise.all(forms.map((args) => runWith(args)));
      for (const run of runs) assert.equal(run.code, 0, run.stderr);
      for (const run of runs.slice(1)) assert.equal(run.stdout, runs[0].stdout);
      return runs[0].stdout;
    };
    assert.match(await pages([["--help"], ["-h"], ["help"]]), /oint bitrix24 <Method>/);
    assert.match(await pages([["bitrix24", "--help"], ["bitrix24", "-h"], ["bitrix24", "help"], ["help", "bitrix24"]]), /Message management/);
    const method = await pages([
      ["bitrix24", "SendMessage", "--help"],
      ["bitrix24", "SendMessage", "-h"],
      ["bitrix24", "SendMessage", "help"],
      ["help", "bitrix24", "SendMessage"],
      ["help", "SendMessage"],
    ]);
    assert.match(method, /-c, --chat/);
  });

  it("-h stays the option of a function that has one (--hide: AddUsersToChat)", async () => {
    const run = await runWith(["bitrix24", "AddUsersToChat", "--url", hook(), "--chat", "1", "--users", "[2]", "-h", "true", "--test"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).body.HIDE_HISTORY, "Y");
  });

  it("sub-commands answer -h, --help and help alike", async () => {
    for (const [command, marker] of [
      ["profile", /oint profile add NAME/],
      ["bulk", /oint bulk send --file/],
      ["mcp", /oint mcp|start/],
      ["sandbox", /oint sandbox \[--port N\]/],
      ["completion", /oint completion bash\|zsh\|fish/],
    ] as const) {
      for (const args of [[command, "--help"], [command, "-h"], [command, "help"], ["help", command]]) {
        const run = await runWith(args);
        assert.equal(run.code, 0, `${args.join(" ")}: ${run.stderr}`);
        assert.match(run.stdout, marker, args.join(" "));
      }
    }
    for (const args of [["bulk", "send", "-h"], ["profile", "add", "--help"]]) {
      const run = await runWith(args);
      assert.equal(run.code, 0, `${args.join(" ")}: ${run.stderr}`);
      assert.match(run.stdout, /Usage:/);
    }
  });
});

describe("version", () => {
  it("-v and --version print package.json's version; requests carry it in the user agent", async () => {
    for (const flag of ["-v", "--version"]) {
      const run = await runWith([flag]);
      assert.equal(run.code, 0);
      assert.equal(run.stdout, `${VERSION}\n`);
    }
    assert.match((await runWith(["--help"])).stdout, new RegExp(`^oint ${VERSION.replace(/\./g, "\\.")}:`));
    const run = await runWith(["bitrix24", "ServerTime", "--url", hook()]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(ctx.portal.requests.at(-1)?.headers["user-agent"], `oint/${VERSION} (+https://www.npmjs.com/package/oint)`);
  });
});

describe("did you mean", () => {
  const refused = async (args: string[], code: number, pattern: RegExp) => {
    const before = ctx.portal.requests.length;
    const run = await runWith(args);
    assert.equal(run.code, code, run.stderr);
    assert.match(run.stderr, pattern);
    assert.equal(run.stderr.split("\n").filter(Boolean).length, 1, "one line");
    assert.equal(ctx.portal.requests.length, before, "nothing sent");
    return run;
  };

  it("names the close library, method (English, Russian, an earlier spelling) or option", async () => {
    await refused(["bitrx24", "SendMessage"], 1, /unknown library "bitrx24"\. Did you mean bitrix24\?/);
    await refused(["--verison"], 1, /Did you mean --version\?/);
    await refused(["bitrix24", "SendMesage", "--url", hook()], 2, /unknown method "SendMesage" in bitrix24\. Did you mean SendMessage\?/);
    await refused(["bitrix24", "sendmesage"], 2, /Did you mean SendMessage\?/);
    await refused(["help", "SendMesage"], 2, /unknown method "SendMesage" in bitrix24\. Did you mean SendMessage\?/);
    await refused(["bitrix24", "ОтправитьСообщенье"], 2, /Did you mean ОтправитьСообщение\?/);
    await refused(["bitrix24", "SendMessage", "--url", hook(), "--chat", "chat1", "--txet", "Hi"], 4, /^oint: unknown option --txet \(did you mean --text\?\)\./);
    await refused(["bitrix24", "SendMessage", "--url", hook(), "-chat", "chat1", "--text", "Hi"], 4, /unknown option -chat \(did you mean --chat\?\)/);
    await refused(["bitrix24", "ServerTime", "--url", hook(), "--degub"], 4, /did you mean --debug\?/);
    await refused(["bitrix24", "GetUser", "--url", hook(), "--user", "1"], 4, /unknown option --user \(did you mean --userid\?\)/);
    await refused(["bulk", "sedn"], 4, /Did you mean send\?/);
    await refused(["bulk", "send", "--fiel", "x.jsonl", "--url", hook()], 4, /unknown option --fiel \(did you mean --file\?\)/);
    await refused(["profile", "lsit"], 4, /did you mean list\?/);
    await refused(["completion", "zhs"], 4, /did you mean zsh\?/);
  });

  it("suggests nothing that is not close, and never repeats what could be a secret", async () => {
    const far = await refused(["bitrix24", "CompletelyDifferent"], 2, /unknown method "CompletelyDifferent"/);
    assert.doesNotMatch(far.stderr, /did you mean/i);
    const secret = "chatX9a8b7c6d5e4f3g2h1";
    const run = await refused(["bitrix24", "SendMessage", "--url", hook(), `--${secret}`, "--text", "Hi"], 4, /unknown option \(not shown/);
    assert.doesNotMatch(run.stderr, /did you mean/i);
    assert.ok(!run.stderr.includes(secret));
    const valueLike = await refused(["bulk", "send", "--file", "x.jsonl", `--${secret}`], 4, /unknown option/);
    assert.ok(!valueLike.stderr.includes(secret));
  });
});

describe("- reads stdin", () => {
  it("--text - sends the piped text as it is (line breaks kept, the final one dropped); --text=- is the text -", async () => {
    const run = await runWith(["bitrix24", "SendMessage", "--url", hook(), "--chat", "chat1", "--text", "-"], { input: "first line\nsecond \\n line\n" });
    assert.equal(run.code, 0, run.stderr);
    const [last] = await messages("chat1");
    assert.equal(last.id, JSON.parse(run.stdout).result);
    assert.equal(last.text, "first line\nsecond \\n line");
    const dash = await runWith(["bitrix24", "SendMessage", "--url", hook(), "--chat", "chat1", "--text=-"]);
    assert.equal(dash.code, 0, dash.stderr);
    assert.equal((await messages("chat1"))[0].text, "-");
  });

  it("an empty pipe says so (--text -, --token -), instead of a later, stranger complaint; nothing is sent", async () => {
    const before = ctx.portal.requests.length;
    const text = await runWith(["bitrix24", "SendMessage", "--url", hook(), "--chat", "chat1", "--text", "-"], { input: "\n" });
    assert.equal(text.code, 4);
    assert.match(text.stderr, /^oint: --text: stdin \(-\) is empty: nothing was piped in\./);
    const token = await runWith(["bitrix24", "ServerTime", "--url", ctx.portal.url, "--token", "-"], { input: "" });
    assert.equal(token.code, 4);
    assert.match(token.stderr, /^oint: --token: stdin \(-\) is empty/);
    assert.equal(ctx.portal.requests.length, before);
  });

  it("-b - reads blocks as JSON; a path or other text from stdin is refused, never read as a file", async () => {
    const blocks = [{ DELIMITER: { SIZE: 200, COLOR: "#c8c8c8" } }];
    const run = await runWith(["bitrix24", "SendMessage", "-u", hook(), "-c", "chat1", "-t", "piped blocks", "-b", "-"], { input: JSON.stringify(blocks) });
    assert.equal(run.code, 0, run.stderr);
    const sent = ctx.portal.requests.at(-1)!;
    assert.equal(sent.restMethod, "im.message.add");
    assert.deepEqual(JSON.parse(sent.body).ATTACH, blocks);

    const file = join(scratch.path, "blocks.json");
    writeFileSync(file, JSON.stringify(blocks));
    const before = ctx.portal.requests.length;
    const path = await runWith(["bitrix24", "SendMessage", "-u", hook(), "-c", "chat1", "-t", "x", "-b", "-"], { input: `${file}\n` });
    assert.equal(path.code, 4);
    assert.match(path.stderr, /^oint: --blocks: from stdin \(-\) must be JSON text/);
    assert.equal(ctx.portal.requests.length, before);
  });

  it("--token - reads an OAuth token that is never shown; only one option may read stdin", async () => {
    const token = ctx.portal.accessToken;
    const run = await runWith(["bitrix24", "ServerTime", "--url", ctx.portal.url, "--token", "-", "--debug"], { input: `${token}\n` });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!`${run.stdout}${run.stderr}`.includes(token), "the token is not shown");
    assert.equal(ctx.portal.requests.at(-1)?.params.auth, token);

    const before = ctx.portal.requests.length;
    const two = await runWith(["bitrix24", "SendMessage", "--url", hook(), "--chat", "-", "--text", "-"], { input: "chat1" });
    assert.equal(two.code, 4);
    assert.match(two.stderr, /--text: reads stdin \(-\), and so does --chat: only one option can/);
    assert.equal(ctx.portal.requests.length, before);
  });

  it("bulk send --file - reads the messages from stdin, with a journal", async () => {
    const journal = join(scratch.path, "stdin.journal");
    const lines = `${JSON.stringify({ chat: "chat1", text: "bulk from stdin 1" })}\n${JSON.stringify({ chat: "chat1", text: "bulk from stdin 2" })}\n`;
    const noJournal = await runWith(["bulk", "send", "--file", "-", "--url", hook()], { input: lines });
    assert.equal(noJournal.code, 4);
    assert.match(noJournal.stderr, /--file: - \(stdin\) needs --journal FILE/);
    const run = await runWith(["bulk", "send", "--file", "-", "--journal", journal, "--url", hook()], { input: lines });
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout);
    assert.equal(summary.file, "-");
    assert.equal(summary.sent, 2);
    assert.deepEqual((await messages("chat1")).slice(0, 2).map((m) => m.text), ["bulk from stdin 2", "bulk from stdin 1"]);
    const again = await runWith(["bulk", "send", "--file", "-", "--journal", journal, "--url", hook()], { input: lines });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).skipped, 2, "the journal knows them: nothing is sent twice");
  });
});

describe("connection from the environment or a profile", () => {
  it("OINT_URL=… oint bitrix24 ServerTime calls; without it the bare command shows help", async () => {
    const before = ctx.portal.requests.length;
    const run = await runWith(["bitrix24", "ServerTime"], { env: { OINT_URL: hook() } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(typeof JSON.parse(run.stdout).result, "string");
    assert.equal(ctx.portal.requests.at(-1)?.restMethod, "server.time");
    assert.equal(ctx.portal.requests.length, before + 1);

    const bare = await runWith(["bitrix24", "ServerTime"]);
    assert.equal(bare.code, 0);
    assert.match(bare.stdout, /-u, --url/);
    assert.equal(ctx.portal.requests.length, before + 1, "help sends nothing");
  });

  it("a connection from OINT_URL that cannot be used is blamed on OINT_URL, not on a --url nobody typed", async () => {
    const env = { OINT_URL: "http://example.com/rest/1/a1b2c3d4e5f6/" };
    const run = await runWith(["bitrix24", "ServerTime"], { env });
    assert.equal(run.code, 4);
    assert.match(run.stderr, /^oint: OINT_URL: plain http:\/\/ is refused for example\.com/);
    assert.ok(!run.stderr.includes("a1b2c3d4e5f6"));
    const typed = await runWith(["bitrix24", "ServerTime", "--url", env.OINT_URL], { env });
    assert.match(typed.stderr, /^oint: --url: plain http:\/\/ is refused/);
  });

  it("a bare function still missing a required value shows its help, even with OINT_URL", async () => {
    const before = ctx.portal.requests.length;
    const run = await runWith(["bitrix24", "SendMessage"], { env: { OINT_URL: hook() } });
    assert.equal(run.code, 0);
    assert.match(run.stdout, /-c, --chat/);
    assert.equal(ctx.portal.requests.length, before);
  });

  it("every function that calls the portal takes --url and --token, which OINT_URL/OINT_TOKEN and profiles fill", () => {
    const oauthExchange = ["GetToken", "RefreshToken"]; // they call the OAuth server, not a portal
    for (const def of catalogue as readonly Definition[]) {
      if (def.kind === "local" || oauthExchange.includes(def.name)) continue;
      const url = def.params.find((p) => p.kind === "url");
      const token = def.params.find((p) => p.kind === "token");
      assert.equal(url?.name, "url", `${def.name}: its connection parameter is url`);
      assert.equal(token?.name, "token", `${def.name}: its token parameter is token`);
    }
  });

  it("OINT_URL with OINT_TOKEN (OAuth), and --profile, connect other functions too", async () => {
    const oauth = await runWith(["bitrix24", "GetUser", "--userid", "1"], { env: { OINT_URL: ctx.portal.url, OINT_TOKEN: ctx.portal.accessToken } });
    assert.equal(oauth.code, 0, oauth.stderr);
    assert.equal(ctx.portal.requests.at(-1)?.params.auth, ctx.portal.accessToken);
    assert.ok(!oauth.stdout.includes(ctx.portal.accessToken));

    const env = { OINT_CONFIG_DIR: join(scratch.path, "config") };
    const added = await runWith(["profile", "add", "work", "--url", "-"], { env, input: `${hook()}\n` });
    assert.equal(added.code, 0, added.stderr);
    assert.ok(!`${added.stdout}${added.stderr}`.includes(ctx.portal.secret));
    const run = await runWith(["bitrix24", "ServerTime", "--profile", "work"], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(ctx.portal.requests.at(-1)?.restMethod, "server.time");
  });
});

describe("shell completion", () => {
  const script = async (shell: string) => {
    const run = await runWith(["completion", shell]);
    assert.equal(run.code, 0, run.stderr);
    const file = join(scratch.path, `oint.${shell}`);
    writeFileSync(file, run.stdout);
    return file;
  };
  const has = (shell: string) => spawnSync(shell, ["-c", "exit 0"]).status === 0;

  it("bash: methods, a method's options (each until given in either form), then files for a value", async () => {
    const file = await script("bash");
    const complete = (...words: string[]) => {
      const line = ["oint", ...words].map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(" ");
      const shell = `source '${file}'; complete -p oint; COMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _oint; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const run = spawnSync("bash", ["--norc", "--noprofile", "-c", shell], { encoding: "utf8", cwd: scratch.path });
      assert.equal(run.status, 0, run.stderr);
      const [registered, ...proposed] = run.stdout.split("\n").filter(Boolean);
      assert.equal(registered, "complete -F _oint oint");
      return proposed;
    };
    assert.deepEqual(complete("bitrix24", "SendM"), ["SendMessage"]);
    assert.deepEqual(complete("b"), ["bitrix24", "bulk"]);
    const options = complete("bitrix24", "sendmessage", "--");
    for (const o of ["--url", "--chat", "--text", "--blocks", "--token", "--out", "--profile", "--test"]) assert.ok(options.includes(o), o);
    assert.deepEqual(complete("bitrix24", "ОтправитьСообщение", "--ch"), ["--chat"]);
    const afterChat = complete("bitrix24", "SendMessage", "-c", "chat1", "-");
    assert.ok(!afterChat.includes("--chat") && !afterChat.includes("-c"), "--chat was given as -c");
    assert.ok(afterChat.includes("-t") && afterChat.includes("--text"));
    writeFileSync(join(scratch.path, "blocks-for-tab.json"), "[]");
    assert.deepEqual(complete("bitrix24", "SendMessage", "--blocks", "blocks-for"), ["blocks-for-tab.json"]);
    assert.deepEqual(complete("bulk", "send", "--fi"), ["--file"]);
    assert.deepEqual(complete("completion", "z"), ["zsh"]);
  });

  it("fish: the same, through fish's own completion engine", { skip: !has("fish") && "fish is not installed" }, async () => {
    const file = await script("fish");
    const complete = (line: string) => {
      const run = spawnSync("fish", ["--no-config", "-c", `source '${file}'; complete -C '${line}'`], { encoding: "utf8" });
      assert.equal(run.status, 0, run.stderr);
      return run.stdout.split("\n").filter(Boolean).map((l) => l.split("\t")[0]);
    };
    assert.deepEqual(complete("oint bitrix24 SendM"), ["SendMessage"]);
    assert.deepEqual(complete("oint bitrix24 sendmessage --ch"), ["--chat"]);
    assert.ok(complete("oint bitrix24 SendMessage -").includes("-c"));
    // each option until it is given, in either form
    const afterChat = complete("oint bitrix24 SendMessage -c chat1 -");
    assert.ok(!afterChat.includes("-c") && !afterChat.includes("--chat"), afterChat.join(" "));
    assert.ok(afterChat.includes("-t"));
    assert.ok(!complete("oint bitrix24 SendMessage --text=hi --").includes("--text"));
  });

  it("zsh: the script loads under compinit and knows each function's options", { skip: !has("zsh") && "zsh is not installed" }, async () => {
    const file = await script("zsh");
    const shell = `autoload -U compinit; compinit -u -d '${scratch.path}/zcompdump'; source '${file}'; _oint_method_options SENDMESSAGE; print -l -- \${reply%%:*}; print -- \${#_oint_methods}`;
    const run = spawnSync("zsh", ["-f", "-c", shell], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, "");
    const out = run.stdout.split("\n").filter(Boolean);
    for (const o of ["--url", "-u", "--chat", "-c", "--text", "-t"]) assert.ok(out.includes(o), o);
    assert.equal(Number(out.at(-1)), catalogue.length);
  });
});

describe("colour", () => {
  const hasScript = spawnSync("script", ["--version"]).status === 0;
  /** The command under a pseudo-terminal (util-linux `script`), its output as the terminal got it. */
  const onTerminal = (args: string[], env: Record<string, string> = {}) => {
    const command = [process.execPath, ...CLI_ARGS, ...args].map((w) => `'${w}'`).join(" ");
    const clean: NodeJS.ProcessEnv = { ...process.env, TERM: "xterm", ...env };
    if (!env.NO_COLOR) delete clean.NO_COLOR;
    return spawnSync("script", ["-qec", command, "/dev/null"], { encoding: "utf8", env: clean }).stdout;
  };

  it("only on a terminal, and never with NO_COLOR", { skip: !hasScript && "util-linux script is not installed" }, async () => {
    const piped = await runWith(["bitrx24"]);
    assert.equal(piped.code, 1);
    assert.ok(!piped.stderr.includes("\x1b["), "no escape codes in a pipe");
    assert.ok(onTerminal(["bitrx24"]).includes("\x1b[31moint:\x1b[39m"), "red on a terminal");
    const noColor = onTerminal(["bitrx24"], { NO_COLOR: "1" });
    assert.match(noColor, /oint: unknown library/);
    assert.ok(!noColor.includes("\x1b["), "NO_COLOR: none");
  });
});

// runCli (helpers) closes stdin: a command given `-` then reads an empty value and says so.
describe("stdin closed", () => {
  it("--blocks - with nothing piped is refused (exit 4), nothing sent", async () => {
    const before = ctx.portal.requests.length;
    const run = await runCli(["bitrix24", "SendMessage", "--url", hook(), "--chat", "chat1", "--text", "x", "--blocks", "-"]);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /--blocks: from stdin \(-\) must be JSON text/);
    assert.equal(ctx.portal.requests.length, before);
  });
});

describe("a reader that goes away (`| head -1`)", () => {
  /** `oint … | head -1` in bash (asynchronously: the portal answers from this process): the CLI's exit code (PIPESTATUS) and its stderr. */
  function cutShort(args: readonly string[]): Promise<{ code: number; stderr: string }> {
    const quoted = [process.execPath, ...CLI_ARGS, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(" ");
    return new Promise((resolve, reject) => {
      const shell = spawn("bash", ["-c", `${quoted} | head -1 >/dev/null; exit \${PIPESTATUS[0]}`], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      shell.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      shell.on("error", reject).on("close", (code) => resolve({ code: code ?? -1, stderr }));
    });
  }

  it("big output into a closed pipe: the command's own exit code, no stack trace", async () => {
    const client = new Bitrix24Client({ url: hook() });
    for (let i = 0; i < 50; i++) await client.call("crm.lead.add", { fields: { TITLE: `Lead ${i} ${"x".repeat(200)}`, COMMENTS: "y".repeat(1500) } });
    assert.deepEqual(await cutShort(["bitrix24", "GetLeadsList", "--url", hook()]), { code: 0, stderr: "" });
  });
});
