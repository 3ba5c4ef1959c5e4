// The `oint` command: `oint bitrix24 <Method> --option value ...`, generated from the catalogue.
import { loadFunction } from "../catalogue/lookup.js";
import type { Definition } from "../catalogue/define.js";
import { execute, maskedValues, planCall, runLocal, secretValues, withDefaults } from "../catalogue/invoke.js";
import type { Bitrix24Client } from "../transport/client.js";
import { Bitrix24Error, InputError, OintError, TransportError } from "../transport/errors.js";
import { redactKnown, redactValue } from "../transport/redact.js";
import { parseCommand, UnknownOptionError, type ParsedCommand } from "./args.js";
import { errorPrefix } from "./colour.js";
import { EXIT } from "./exit-codes.js";
// Help pages load only when shown.
const help = () => import("./help.js");
import { checkNotAnInput, checkWritable, emit } from "./output.js";
import { VERSION } from "../version.js";

const say = (text: string) => process.stdout.write(`${text}\n`);
const complain = (text: string) => process.stderr.write(`${errorPrefix()} ${text}\n`);

/** What may follow `oint` (for "did you mean" and completion). */
export const COMMANDS = ["bitrix24", "profile", "bulk", "mcp", "sandbox", "completion", "help", "--help", "--version"] as const;

const HELP_WORDS = new Set(["--help", "-h", "help"]);

/** Runs one `oint` command line and returns its exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const [library, method, ...rest] = argv;
  if (!library || library === "--help" || library === "-h") return say(await (await help()).startPage()), EXIT.ok;
  // `oint help X Y` is `oint X Y --help`; `oint help SendMessage` is the function's page.
  if (library === "help") {
    if (!method) return say(await (await help()).startPage()), EXIT.ok;
    // A function's name, or a misspelt one (bitrix24's "did you mean"); anything else is taken as a
    // library, as `oint X` takes it (`oint help bitrix25`: unknown library, exit 1).
    const isCommand = COMMANDS.includes(method as never) || method.toLowerCase() === "bitrix24";
    const isFunction = !isCommand && ((await loadFunction(method)) !== undefined || (await closeMethods(method)) !== undefined);
    return run(isFunction ? ["bitrix24", method, "--help"] : [method, ...(rest[0] ? [rest[0]] : []), "--help"]);
  }
  if (library === "--version" || library === "-v") return say(VERSION), EXIT.ok;
  if (library === "completion") return (await import("./completion.js")).runCompletion(argv.slice(1));
  if (library === "profile") return (await import("./profile.js")).runProfile(argv.slice(1));
  if (library === "bulk") return (await import("./bulk.js")).runBulk(argv.slice(1));
  // `oint mcp help` and `oint sandbox help`: the sub-command's --help.
  const sub = method === "help" ? ["--help"] : argv.slice(1);
  if (library === "mcp") return (await import("../mcp/cli.js")).runMcp(sub);
  if (library === "sandbox") {
    if (sub.includes("--demo") && !sub.includes("--help") && !sub.includes("-h")) return (await import("./demo.js")).runDemo(sub);
    return (await import("../portal/cli.js")).runSandbox(sub);
  }
  if (library.toLowerCase() !== "bitrix24") {
    // A function's name where the library goes (`oint sendmessage`): the command it meant.
    const asFunction = (await loadFunction(library))?.name;
    const close = asFunction
      ? `\`oint bitrix24 ${asFunction}\``
      : ((await import("./suggest.js")).suggestion(library, COMMANDS) ?? (await closeMethods(library, (name) => `\`oint bitrix24 ${name}\``)));
    complain(`unknown library "${library}".${close ? ` Did you mean ${close}?` : ""} Available: bitrix24 (and the profile, bulk, mcp, sandbox and completion commands). Run \`oint --help\`.`);
    return EXIT.unknownLibrary;
  }
  // `oint bitrix24 help SendMessage` is SendMessage's page, as `oint help bitrix24 SendMessage` is.
  if (method && HELP_WORDS.has(method) && rest[0] && !HELP_WORDS.has(rest[0])) return run(["bitrix24", rest[0], "--help"]);
  if (!method || HELP_WORDS.has(method)) return say(await (await help()).libraryPage()), EXIT.ok;
  // Only this function's region is loaded: a command does not pay for the whole catalogue.
  const def = await loadFunction(method);
  if (!def) {
    complain(`unknown method "${method}" in bitrix24.${await methodSuggestion(method)} Run \`oint bitrix24 --help\` for the list.`);
    return EXIT.unknownMethod;
  }
  if (rest.length === 1 && rest[0] === "help") return say((await help()).methodPage(def)), EXIT.ok;
  return runFunction(def, rest);
}

/** " Did you mean SendMessage?" over the English and Russian names and the aliases (an alias suggests the name), or "". */
async function methodSuggestion(method: string): Promise<string> {
  const close = await closeMethods(method);
  return close ? ` Did you mean ${close}?` : "";
}

/** The functions whose names are close to `method` ("SendMessage", "A or B"), each as `show` gives it, or undefined. */
async function closeMethods(method: string, show: (name: string) => string = (name) => name): Promise<string | undefined> {
  const shown = new Map<string, string>();
  const { catalogue } = await import("../catalogue/index.js");
  for (const def of catalogue as readonly Definition[]) {
    shown.set(def.name, def.name);
    shown.set(def.ru, def.ru);
    for (const alias of def.aliases ?? []) if (!shown.has(alias)) shown.set(alias, def.name);
  }
  return (await import("./suggest.js")).suggestion(method, shown.keys(), (name) => show(shown.get(name)!));
}

/** An unknown `--option` with the function's closest options named: "unknown option --chta (did you mean --chat?)". */
async function withOptionSuggestion(error: unknown): Promise<unknown> {
  if (!(error instanceof UnknownOptionError) || !error.option) return error;
  const bare = (o: string) => o.replace(/^-+/, "");
  const close = (await import("./suggest.js")).suggestion(bare(error.option), error.candidates.map(bare), (name) => `--${name}`);
  return close ? new InputError(`${error.problem} (did you mean ${close}?)`) : error;
}

async function runFunction(def: Definition, argv: readonly string[]): Promise<number> {
  let command: ParsedCommand | undefined;
  let client: Bitrix24Client | undefined;
  /** The connection options the user typed (the others may come from OINT_URL / OINT_TOKEN). */
  let typed: ReadonlySet<string> = new Set();
  try {
    command = parseCommand(def, argv);
    typed = new Set(Object.keys(command.values).filter((name) => command!.values[name] !== undefined));
    const { global } = command;
    const values: Record<string, unknown> = command.values;
    // Like OpenIntegrations, a bare `oint bitrix24 Method` shows its help, when a required value is
    // missing: a connection from OINT_URL counts (so `OINT_URL=… oint bitrix24 ServerTime` calls).
    const fromEnvironment = def.kind !== "local" && !!process.env.OINT_URL;
    const missing = def.params.some((p) => p.required && values[p.name] === undefined && !(p.kind === "url" && fromEnvironment));
    if (global.help || (command.empty && missing)) return say((await help()).methodPage(def)), EXIT.ok;
    // `--text -`: that one value comes from stdin (read only now: after help, before anything is sent).
    if (command.stdin) values[command.stdin.name] = await (await import("./stdin.js")).valueFromStdin(command.stdin);

    // A file that cannot be written is found out now, not after the request went out.
    if (global.out !== undefined) {
      checkWritable(global.out);
      checkNotAnInput(global.out, Object.fromEntries(def.params.map((p) => [p.option, values[p.name]])));
    }

    if (def.kind === "local") {
      emit(runLocal(def, values), global.out);
      return EXIT.ok;
    }
    // --url/--token, else --profile, else OINT_URL/OINT_TOKEN (profile.ts).
    const connection = (await import("./profile.js")).connectionFor(values as Record<string, string>, global.profile);
    if (connection.url !== undefined) {
      const { Bitrix24Client } = await import("../transport/client.js"); // not loaded for a local function
      client = new Bitrix24Client({
        ...connection,
        url: connection.url,
        debug: global.debug ? (line) => complain(`debug: ${line}`) : undefined,
      });
      if (connection.tokenStore) client.oauth?.useStore(connection.tokenStore); // a profile's refresh, shared with other processes
    }
    if (global.test) {
      // The one place --test prints, always through redactShown. A multi-step function's later
      // requests depend on earlier answers: for it, the inputs are shown.
      const plan = def.kind === "rest" ? await planCall(def, values, client) : undefined;
      const shown = plan
        ? plan.client.describe(plan.request)
        : { function: def.name, calls: def.kind === "flow" ? def.calls : [], values: maskedValues(def, withDefaults(def, values)), note: "multi-step function: nothing was sent" };
      emit(redactShown(shown, def, values, plan?.client ?? client), global.out);
      return EXIT.ok;
    }
    const secrets = secretValues(def, values);
    const debug = global.debug ? (line: string) => complain(`debug: ${redactKnown(line, secrets)}`) : undefined;
    emit(await execute(def, values, { client, debug }), global.out);
    return EXIT.ok;
  } catch (error) {
    return report(await withOptionSuggestion(error), def, command, client, typed);
  }
}

/**
 * Everything `--test` prints passes through here: secret-bearing keys and webhook URLs masked, and
 * every known secret (the client's webhook secret and tokens, the definition's secret values)
 * replaced by *** wherever it appears, whatever shape the description has.
 */
function redactShown(value: unknown, def: Definition, values: Record<string, unknown>, client: Bitrix24Client | undefined): unknown {
  const secrets = [...secretValues(def, values), ...(client?.knownSecrets() ?? [])];
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redactKnown(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item)]));
    return v;
  };
  return walk(redactValue(value));
}

function report(error: unknown, def: Definition, command: ParsedCommand | undefined, client: Bitrix24Client | undefined, typed: ReadonlySet<string> = new Set()): number {
  const secrets = [...(command ? secretValues(def, command.values) : []), client?.endpoint.secret, ...(client?.knownSecrets() ?? [])];
  const clean = (text: string) => redactKnown(text, secrets);
  if (error instanceof Bitrix24Error) {
    try {
      emit(error.envelope, command?.global.out);
    } catch {
      /* the envelope still goes to stderr below */
    }
    complain(clean(error.message));
    return EXIT.bitrix24Error;
  }
  if (error instanceof InputError) {
    const param = def.params.find((p) => p.name === error.parameter);
    // A connection nobody typed: the URL or token came from OINT_URL / OINT_TOKEN.
    const fromEnvironment = param && (param.kind === "url" || param.kind === "token") && !typed.has(param.name) && !command?.global.profile;
    const variable = param?.kind === "url" ? "OINT_URL" : "OINT_TOKEN";
    const where = fromEnvironment && process.env[variable] ? variable : param ? `--${param.option}` : error.parameter;
    complain(`${clean(where ? `${where}: ${error.problem}` : error.problem)}. See \`oint bitrix24 ${def.name} --help\`.`);
    return EXIT.badInput;
  }
  if (error instanceof TransportError) {
    complain(clean(error.message));
    return EXIT.noAnswer;
  }
  // The call went through; only the file failed. Not 99: a script must not take it for a failed call and send it again.
  if (error instanceof OintError && error.code === "OUTPUT") {
    complain(`${clean(error.message)} (the call itself was carried out: do not repeat it)`);
    return EXIT.outputFailed;
  }
  complain(`unexpected error: ${clean(String((error as Error)?.message ?? error))}`);
  if (command?.global.debug && error instanceof Error && error.stack) complain(clean(error.stack));
  return EXIT.unexpected;
}
