// `oint mcp start|config`: OpenIntegrations' MCP commands, plus typed tools, a read-only mode and
// streamable HTTP. Loaded only when `oint mcp` runs, so the SDK never weighs on library users.
import { parseArgs } from "node:util";
import { findFunction } from "../catalogue/index.js";
import { EXIT } from "../cli/exit-codes.js";
import { connectionFor } from "../cli/profile.js";
import { formatResult } from "../cli/output.js";
import { Bitrix24Client } from "../transport/client.js";
import { InputError } from "../transport/errors.js";
import type { TokenStore } from "../transport/oauth.js";
import { knownRegions, selectFunctions } from "./catalogue.js";
import { configTemplate, readConfig, varSecrets, type McpConfig } from "./config.js";
import type { DefaultConnection } from "./execute.js";
import { openLog } from "./log.js";
import { isLoopbackHost } from "../transport/endpoint.js";
import type { ServerSetup, ToolSet } from "./server.js";

/**
 * The server, with the MCP SDK it is built on: an optional peer dependency (library users do not
 * install it), so a missing SDK is a one-line hint, not a stack trace.
 */
async function loadServer(): Promise<typeof import("./server.js")> {
  try {
    return await import("./server.js");
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_MODULE_NOT_FOUND" && String((error as Error).message).includes("@modelcontextprotocol/sdk")) {
      throw new InputError(
        "the MCP server needs the @modelcontextprotocol/sdk package, which oint does not install by default: run `npm install @modelcontextprotocol/sdk` where oint is installed (`npm install -g @modelcontextprotocol/sdk` for a global oint)",
      );
    }
    throw error;
  }
}

export const MCP_HELP = `Usage:
  oint mcp start [-c default|FILE] [-l FILE] [--tools opi|typed|both] [--read-only]
                 [--regions "Region,…"] [--functions "Name,…"] [--profile NAME]
                 [--http [HOST:]PORT [--allow-remote]]
  oint mcp config [-e true|false]

start   Runs an MCP server for AI assistants (server name oint-mcp-server), on stdio unless --http.
  -c, --config    default (no variables) or a JSON file {"vars": {"Name": "value"}}: a tool argument
                  written "@@Name" is replaced by that value here, so secrets never pass through the
                  assistant (get_variables lists the names)
  -l, --log       append what the server does to FILE (secrets masked)
  --tools         opi (default): OpenIntegrations' five tools (get_services, get_service_methods,
                  get_method_parameters, execute_method, get_variables); typed: one tool per function
                  with a JSON Schema; both
  --read-only     expose only functions that change nothing
  --regions       only these regions' functions (comma-separated, as in \`oint bitrix24 --help\`)
  --functions     only these functions (comma-separated)
  --profile       connect with a saved profile (\`oint profile add\`); without it, typed tools use the
                  config's vars "url" and "token", else OINT_URL/OINT_TOKEN
  --http          streamable HTTP at http://HOST:PORT/mcp (HOST default 127.0.0.1; port 0: any free)
  --allow-remote  allow --http on an address other than loopback (no authentication: trusted networks only)
config  Prints a configuration template: -e true (default) empty, -e false with a described example.`;

/** `oint mcp start`'s options (shell completion reads them too). */
export const START_OPTIONS = {
  config: { type: "string", short: "c" },
  log: { type: "string", short: "l" },
  tools: { type: "string" },
  "read-only": { type: "boolean" },
  regions: { type: "string" },
  functions: { type: "string" },
  profile: { type: "string" },
  http: { type: "string" },
  "allow-remote": { type: "boolean" },
} as const;

const say = (text: string) => process.stdout.write(`${text}\n`);
const complain = (text: string) => process.stderr.write(`oint mcp: ${text}\n`);

export async function runMcp(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === "--help" || command === "-h" || rest.includes("--help") || rest.includes("-h")) return say(MCP_HELP), EXIT.ok;
    if (command === "config") return say(formatResult(configTemplate(readEmpty(rest)))), EXIT.ok;
    if (command === "start") return await start(rest);
    throw new InputError(`unknown command "${command}": use start or config (see \`oint mcp --help\`)`);
  } catch (error) {
    if (error instanceof InputError) {
      complain(error.message);
      return EXIT.badInput;
    }
    complain(`unexpected error: ${String((error as Error)?.message ?? error)}`);
    return EXIT.unexpected;
  }
}

/** `--empty` / `-e` with an optional true|false (OpenIntegrations' default: true). */
function readEmpty(argv: readonly string[]): boolean {
  let empty = true;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== "--empty" && argv[i] !== "-e") throw new InputError(`unknown option ${/^--?[a-z-]{1,24}$/i.test(argv[i]) ? argv[i] : "(not shown)"}`);
    const next = argv[i + 1]?.toLowerCase();
    if (next === "true" || next === "false") {
      empty = next === "true";
      i++;
    } else empty = true;
  }
  return empty;
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(",").map((s) => s.trim()).filter(Boolean);
}

async function start(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: START_OPTIONS,
    }).values;
  } catch (error) {
    const unknown = /Unknown option '([^']+)'/.exec((error as Error).message);
    throw new InputError(unknown ? `unknown option ${unknown[1]}` : "cannot read the options (every option takes one value; see `oint mcp --help`)");
  }
  const tools = (parsed.tools ?? "opi").toLowerCase() as ToolSet;
  if (!["opi", "typed", "both"].includes(tools)) throw new InputError("must be opi, typed or both", "--tools");

  const regions = list(parsed.regions);
  const regionNames = knownRegions().map((r) => r.toLowerCase());
  for (const r of regions ?? []) if (!regionNames.includes(r.toLowerCase())) throw new InputError(`unknown region "${r}" (regions: ${knownRegions().join(", ")})`, "--regions");
  const functions = list(parsed.functions);
  for (const f of functions ?? []) if (!findFunction(f)) throw new InputError(`unknown function "${f}" (see \`oint bitrix24 --help\`)`, "--functions");
  const selected = selectFunctions({ readOnly: parsed["read-only"], regions, functions: functions?.map((f) => findFunction(f)!.name) });
  if (!selected.length) throw new InputError("no function is left to expose by --regions, --functions and --read-only", regions ? "--regions" : "--functions");

  const config = readConfig(parsed.config);
  const log = openLog(parsed.log);
  const connection = connect(config, parsed.profile);
  if (tools !== "opi" && !connection && selected.some((d) => d.params.some((p) => p.kind === "url"))) {
    throw new InputError('typed tools need a connection: --profile NAME, "url" (and "token") in the config\'s vars, or OINT_URL', "--tools");
  }
  const secrets = [...varSecrets(config), ...(connection?.client.knownSecrets() ?? [])];
  const setup: ServerSetup = { tools, log, context: { config, functions: selected, connection, secrets } };

  if (parsed.http === undefined) {
    if (parsed["allow-remote"]) throw new InputError("only applies to --http", "--allow-remote");
    await (await loadServer()).serveStdio(setup);
    return EXIT.ok;
  }
  const { host, port } = listenAddress(parsed.http);
  const loopback = isLoopbackHost(host);
  if (!loopback && !parsed["allow-remote"]) {
    throw new InputError(`${host} is not a loopback address: the server has no authentication, so it listens on loopback only unless --allow-remote is given`, "--http");
  }
  const serving = await (await loadServer()).serveHttp(setup, host, port, loopback);
  complain(`listening on ${serving.url} (${tools} tools, ${selected.length} functions)`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await serving.close();
  return EXIT.ok;
}

/** `--http 3000`, `localhost:3000`, `[::1]:3000`, `0.0.0.0:3000`. */
function listenAddress(value: string): { host: string; port: number } {
  const match = /^(?:(\[[0-9a-f:]+\]|[^:[\]]+):)?(\d{1,5})$/i.exec(value.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) throw new InputError("must be [HOST:]PORT, e.g. 3000 or 127.0.0.1:3000", "--http");
  const host = match[1] ? match[1].replace(/^\[|\]$/g, "") : "127.0.0.1";
  return { host, port };
}

/**
 * The connection for calls that name no URL: --profile, else the config's vars "url"/"token", else
 * OINT_URL/OINT_TOKEN. A profile's OAuth refresh writes rotated tokens back, as in the CLI.
 */
function connect(config: McpConfig, profile: string | undefined): DefaultConnection | undefined {
  let options: Partial<ConstructorParameters<typeof Bitrix24Client>[0]>;
  let tokenStore: TokenStore | undefined;
  if (profile) {
    const { tokenStore: store, ...found } = connectionFor({}, profile);
    options = found;
    tokenStore = store;
  } else {
    const vars = new Map([...config.vars].map(([k, v]) => [k.toLowerCase(), v]));
    const url = vars.get("url") ?? process.env.OINT_URL;
    if (!url) return undefined;
    const token = vars.get("url") !== undefined ? vars.get("token") : process.env.OINT_TOKEN;
    options = { url, token: token || undefined };
  }
  if (!options.url) return undefined;
  const client = new Bitrix24Client({ ...options, url: options.url });
  if (tokenStore) client.oauth?.useStore(tokenStore);
  return { client, url: options.url, token: options.token };
}
