// The `oint` command: `oint bitrix24 <Method> --option value ...`, generated from the catalogue.
import { findFunction } from "../catalogue/index.js";
import type { Definition } from "../catalogue/define.js";
import { execute, maskedValues, planCall, runLocal, secretValues, withDefaults } from "../catalogue/invoke.js";
import { Bitrix24Client } from "../transport/client.js";
import { Bitrix24Error, InputError, TransportError } from "../transport/errors.js";
import { redactKnown, redactValue } from "../transport/redact.js";
import { parseCommand, type ParsedCommand } from "./args.js";
import { EXIT } from "./exit-codes.js";
import { libraryPage, methodPage, startPage, VERSION } from "./help.js";
import { checkWritable, emit } from "./output.js";

const say = (text: string) => process.stdout.write(`${text}\n`);
const complain = (text: string) => process.stderr.write(`oint: ${text}\n`);

/** Runs one `oint` command line and returns its exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const [library, method, ...rest] = argv;
  if (!library || library === "--help" || library === "-h") return say(startPage()), EXIT.ok;
  if (library === "--version") return say(VERSION), EXIT.ok;
  if (library === "profile") return (await import("./profile.js")).runProfile(argv.slice(1));
  if (library === "bulk") return (await import("./bulk.js")).runBulk(argv.slice(1));
  if (library === "mcp") return (await import("../mcp/cli.js")).runMcp(argv.slice(1));
  if (library === "sandbox") {
    if (argv.includes("--demo")) return (await import("./demo.js")).runDemo(argv.slice(1));
    return (await import("../portal/cli.js")).runSandbox(argv.slice(1));
  }
  if (library.toLowerCase() !== "bitrix24") {
    complain(`unknown library "${library}". Available: bitrix24 (and the sandbox command). Run \`oint --help\`.`);
    return EXIT.unknownLibrary;
  }
  if (!method || method === "--help") return say(await libraryPage()), EXIT.ok;
  const def = findFunction(method);
  if (!def) {
    complain(`unknown method "${method}" in bitrix24. Run \`oint bitrix24 --help\` for the list.`);
    return EXIT.unknownMethod;
  }
  return runFunction(def, rest);
}

async function runFunction(def: Definition, argv: readonly string[]): Promise<number> {
  let command: ParsedCommand | undefined;
  let client: Bitrix24Client | undefined;
  try {
    command = parseCommand(def, argv);
    const { values, global } = command;
    // Like OpenIntegrations, a bare `oint bitrix24 Method` shows its help.
    if (global.help || (command.empty && def.params.some((p) => p.required))) return say(methodPage(def)), EXIT.ok;

    // A file that cannot be written is found out now, not after the request went out.
    if (global.out !== undefined) checkWritable(global.out);

    if (def.kind === "local") {
      emit(runLocal(def, values), global.out);
      return EXIT.ok;
    }
    // --url/--token, else --profile, else OINT_URL/OINT_TOKEN (profile.ts).
    const connection = (await import("./profile.js")).connectionFor(values, global.profile);
    if (connection.url !== undefined) {
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
    return report(error, def, command, client);
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

function report(error: unknown, def: Definition, command: ParsedCommand | undefined, client: Bitrix24Client | undefined): number {
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
    const where = param ? `--${param.option}` : error.parameter;
    complain(`${clean(where ? `${where}: ${error.problem}` : error.problem)}. See \`oint bitrix24 ${def.name} --help\`.`);
    return EXIT.badInput;
  }
  if (error instanceof TransportError) {
    complain(clean(error.message));
    return EXIT.noAnswer;
  }
  complain(`unexpected error: ${clean(String((error as Error)?.message ?? error))}`);
  if (command?.global.debug && error instanceof Error && error.stack) complain(clean(error.stack));
  return EXIT.unexpected;
}
