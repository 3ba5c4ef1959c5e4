// `oint bulk send`: many messages from a JSON Lines file, with a journal so that an interrupted run,
// started again, sends only what had not gone out (src/bulk/). Output: a progress bar on stderr (only
// on a terminal), a report of failures on stderr, a JSON summary on stdout.
import { existsSync, realpathSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { Journal } from "../bulk/journal.js";
import { readBulkFile } from "../bulk/lines.js";
import { lock } from "../bulk/lock.js";
import { bulkSend, journalingFetch, type BulkSummary } from "../bulk/send.js";
import { Bitrix24Client } from "../transport/client.js";
import { InputError } from "../transport/errors.js";
import type { Plan } from "../transport/limiter.js";
import { redactKnown } from "../transport/redact.js";
import { errorPrefix } from "./colour.js";
import { EXIT } from "./exit-codes.js";

export const BULK_HELP = `Usage:
  oint bulk send --file messages.jsonl (--url URL [--token T] | --profile NAME) [--journal FILE]
                 [--retry-failed] [--plan standard|enterprise|off] [--timeout SECONDS] [--debug]

Sends one message per line of a JSON Lines file. Each line is an object with SendMessage's options
(oint bitrix24 SendMessage --help), by option or library name:
  {"chat": "chat1", "text": "Hello", "blocks": [{"IMAGE": {"NAME": "p", "LINK": "https://…/p.jpg"}}]}
  {"chat": "2", "text": "[b]Hi[/b]", "keyboard": {"BUTTONS": [...]}, "system": true}
A line is data: blocks, keyboard and menu are JSON arrays/objects in the line (a string there is
refused, never read as a file path). Every line is checked before anything is sent; a bad line stops
the run (exit 4) naming its number.

Messages go out 50 to a batch request, paced at the portal's limit (--plan; default standard).
The journal (default: the file's name + ".journal"; JSON Lines, no secrets in it) records each line
as pending before its batch is sent, then sent (with the message ID) or failed (with the error).
Run the same command again after an interruption: sent lines are skipped; lines whose batch got
no answer are checked by reading their dialog back (same text and attachment block types, by the
caller, after the batch went out) and sent again only if they are not there; failed lines are sent
again only with --retry-failed. Identical texts to one dialog in one run are matched by count.
A batch that went out less than --timeout seconds ago (default 60, Bitrix24's own request limit)
may still be running on the portal: it is waited out before being read back. One run at a time per
messages file and per journal (lock files beside them; a lock left by a killed run is taken over).

Connection: --url/--token, or --profile NAME (oint profile --help), or OINT_URL/OINT_TOKEN.
--file - reads the messages from stdin (then --journal FILE is required); --token - reads the token
from stdin (one of them at most).
Output: a progress bar on stderr when it is a terminal; the failures with their line numbers on
stderr; a JSON summary on stdout.
Exit codes: 0 all sent, 3 some lines failed (Bitrix24 refused them) or every call was refused,
4 bad input (nothing sent), 5 the run stopped without answers or was interrupted (run it again).
A portal that cannot be reached at all (connection refused, after the client's retries) stops the
run at once: nothing was sent, and the same command sends those lines later. A batch the portal
refuses for load is sent again after a pause, said on stderr.
The summary's "unknown" counts the lines whose batch got no usable answer and how each was settled:
foundDelivered, notFoundResent, stillUnknown (left pending; never re-sent blindly).`;

export const BULK_OPTIONS = {
  file: { type: "string" },
  journal: { type: "string" },
  url: { type: "string" },
  token: { type: "string" },
  profile: { type: "string" },
  plan: { type: "string" },
  timeout: { type: "string" },
  "retry-failed": { type: "boolean" },
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const complain = (text: string) => process.stderr.write(`${errorPrefix()} ${text}\n`);

/** What each option with a value takes, for the message when its value is missing or unusable. */
const TAKES: Record<string, string> = {
  file: 'the path of the JSON Lines file of messages (or - for stdin)',
  journal: "the path of the journal file",
  url: "the portal's webhook or REST URL (or - for stdin)",
  token: "an access token (or - for stdin)",
  profile: "a profile name",
  plan: "standard, enterprise or off",
  timeout: "a positive number of seconds, at most 3600",
};

/**
 * util.parseArgs' complaint as an InputError naming the option and what it takes. A value is never
 * repeated (it could be a secret: `--token -abc…`).
 */
async function optionsError(error: Error & { code?: string }): Promise<InputError> {
  const ambiguous = /^Option '--([a-z-]+)' argument is ambiguous/.exec(error.message);
  if (ambiguous && ambiguous[1] in TAKES) {
    const name = ambiguous[1];
    const dash = name === "timeout" || name === "plan" ? "" : ` (a value that really starts with "-" is written --${name}=VALUE)`;
    return new InputError(`takes ${TAKES[name]}; the word after it starts with "-", so it is not taken as its value${dash}`, `--${name}`);
  }
  const noValue = /^Option '--([a-z-]+)' does not take an argument/.exec(error.message);
  if (noValue && noValue[1] in BULK_OPTIONS) return new InputError("takes no value (it is a switch: give it alone)", `--${noValue[1]}`);
  const missing = /^Option '--([a-z-]+)[^']*' argument missing/.exec(error.message);
  if (missing && missing[1] in TAKES) return new InputError(`needs a value: ${TAKES[missing[1]]}`, `--${missing[1]}`);
  return new InputError((await import("./suggest.js")).optionsProblem(error, Object.keys(BULK_OPTIONS)));
}

/** `oint bulk …`; returns the exit code. */
export async function runBulk(argv: readonly string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (!action || action === "--help" || action === "-h" || action === "help") return process.stdout.write(`${BULK_HELP}\n`), EXIT.ok;
  if (action !== "send") {
    const close = /^[a-z]{1,24}$/i.test(action) && (await import("./suggest.js")).suggestion(action, ["send"]);
    complain(`unknown bulk action${/^[a-z-]{1,24}$/i.test(action) ? ` "${action}"` : ""} (send).${close ? ` Did you mean ${close}?` : ""} See \`oint bulk --help\`.`);
    return EXIT.badInput;
  }
  let secrets: (string | undefined)[] = [];
  const clean = (text: string) => redactKnown(text, secrets);
  try {
    return await send(rest, (s) => (secrets = s));
  } catch (error) {
    if (error instanceof InputError) {
      complain(`${clean(error.message)}. See \`oint bulk --help\`.`);
      return EXIT.badInput;
    }
    complain(`unexpected error: ${clean(String((error as Error)?.message ?? error))}`);
    return EXIT.unexpected;
  }
}

async function send(argv: readonly string[], keepSecrets: (s: (string | undefined)[]) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: BULK_OPTIONS, strict: true, allowPositionals: false });
  } catch (error) {
    throw await optionsError(error as Error & { code?: string });
  }
  const v = parsed.values;
  if (v.help) return process.stdout.write(`${BULK_HELP}\n`), EXIT.ok;
  // `-`: that one value from stdin (the messages file, or the URL or token: kept out of the command line).
  const piped = (["file", "url", "token"] as const).filter((o) => v[o] === "-");
  if (piped.length > 1) throw new InputError(`reads stdin (-), and so does --${piped[1]}: only one option can`, `--${piped[0]}`);
  if (piped[0] === "url" || piped[0] === "token") v[piped[0]] = (await (await import("./stdin.js")).readStdin()).toString("utf8").trim();
  const fromStdin = v.file === "-";
  keepSecrets([v.token]);
  if (!v.file) throw new InputError("is required (the JSON Lines file of messages)", "--file");
  if (fromStdin && !v.journal) throw new InputError("- (stdin) needs --journal FILE: the journal is what makes running it again safe", "--file");
  const plan = (v.plan ?? "standard") as Plan;
  if (!["standard", "enterprise", "off"].includes(plan)) throw new InputError(`must be standard, enterprise or off, not "${v.plan}"`, "--plan");
  const timeoutSeconds = v.timeout === undefined ? 60 : Number(v.timeout);
  if (!(Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 && timeoutSeconds <= 3600)) throw new InputError(`takes ${TAKES.timeout}, not "${v.timeout}"`, "--timeout");

  const values: Record<string, string> = {};
  if (v.url !== undefined) values.url = v.url;
  if (v.token !== undefined) values.token = v.token;
  const connection = (await import("./profile.js")).connectionFor(values, v.profile);
  if (!connection.url) throw new InputError("is required (or --profile, or OINT_URL)", "--url");
  let journal: Journal | undefined;
  const client = new Bitrix24Client({
    ...connection,
    url: connection.url,
    plan,
    timeoutMs: timeoutSeconds * 1000,
    fetch: journalingFetch(() => journal),
    debug: v.debug ? (line) => complain(`debug: ${line}`) : undefined,
  });
  if (connection.tokenStore) client.oauth?.useStore(connection.tokenStore); // a profile's refresh, shared with other processes
  keepSecrets([v.token, ...client.knownSecrets()]);

  const stdinBytes = fromStdin ? await (await import("./stdin.js")).readStdin() : undefined;
  const file = await readBulkFile(fromStdin ? "stdin" : v.file, stdinBytes); // every line checked before anything is sent
  const journalPath = resolve(v.journal ?? `${v.file}.journal`);
  if (!fromStdin && sameFile(journalPath, v.file)) throw new InputError("is the messages file itself; give the journal a file of its own", "--journal");
  // Both locked: two runs of one file with two journals would send everything twice.
  const unlockFile = fromStdin ? () => {} : lock(realpathSync(v.file), `the messages file ${v.file}`, "--file");
  let unlockJournal: (() => void) | undefined;
  let summary: BulkSummary;
  try {
    unlockJournal = lock(journalPath, `the journal ${journalPath}`, "--journal");
    journal = Journal.open(journalPath, file.digest, new Set(file.lines.map((l) => l.line)), timeoutSeconds * 1000);
    let interrupted = false;
    const onSignal = () => {
      if (interrupted) process.exit(EXIT.noAnswer); // a second Ctrl-C: the journal is consistent at any moment
      interrupted = true;
      complain("stopping after the current batch (Ctrl-C again to stop at once)");
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const bar = await progressBar(file.lines.length);
    try {
      summary = await bulkSend(client, file.lines, journal, {
        retryFailed: !!v["retry-failed"],
        shouldStop: () => interrupted,
        onProgress: (done) => bar?.update(done),
        onRetry: (ms, round, rounds, reason) =>
          complain(`the portal refused the batch before running it (${reason}); sending it again in ${Math.ceil(ms / 1000)} s (round ${round} of ${rounds})`),
        onWait: (ms, lines) =>
          complain(`waiting ${Math.ceil(ms / 1000)} s before reading back ${lines.length === 1 ? `line ${lines[0]}` : `${lines.length} lines`} whose batch got no answer: the portal may still be running it (--timeout ${timeoutSeconds})`),
      });
    } finally {
      bar?.stop();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  } finally {
    unlockJournal?.();
    unlockFile();
  }

  const clean = (text: string) => redactKnown(text, [v.token, ...client.knownSecrets()]);
  report(summary, clean);
  process.stdout.write(`${clean(JSON.stringify({ file: fromStdin ? "-" : resolve(v.file), journal: journalPath, ...summary }, null, 1))}\n`);
  if (summary.stopped) return summary.stopped.noAnswer ? EXIT.noAnswer : EXIT.bitrix24Error;
  return summary.failed.length ? EXIT.bitrix24Error : EXIT.ok;
}

/** `a` and `b` name the same file (`b` exists; `a` may not yet). */
function sameFile(a: string, b: string): boolean {
  try {
    return resolve(a) === resolve(b) || (existsSync(a) && realpathSync(a) === realpathSync(b));
  } catch {
    return false; // a path that cannot be resolved is reported when it is used
  }
}

/** The final report on stderr: counts, then each failed line. */
function report(s: BulkSummary, clean: (text: string) => string): void {
  complain(`bulk send: ${s.sent} sent (${s.reconciled} of them found delivered on read-back), ${s.skipped} already sent before, ${s.failed.length} failed, ${s.notSent} not sent`);
  const u = s.unknown;
  if (u.lines) complain(`outcome unknown for ${u.lines} lines: ${u.foundDelivered} found delivered, ${u.notFoundResent} not found and sent again, ${u.stillUnknown} still unknown (left pending for the next run)`);
  for (const f of s.failed) complain(clean(`line ${f.line}: ${f.code}${f.message ? ` - ${f.message}` : ""}`));
  if (s.stopped) complain(clean(`stopped: ${s.stopped.message}${s.notSent ? "; run the same command again to send the rest" : ""}`));
}

/** cli-progress on stderr, only when stderr is a terminal (logs and pipes get the report only). */
async function progressBar(total: number): Promise<{ update(n: number): void; stop(): void } | undefined> {
  if (!process.stderr.isTTY) return undefined;
  const { SingleBar, Presets } = (await import("cli-progress")).default;
  const bar = new SingleBar({ stream: process.stderr, format: "sending [{bar}] {value}/{total} lines | {eta_formatted} left", hideCursor: true }, Presets.shades_classic);
  bar.start(total, 0);
  return bar;
}
