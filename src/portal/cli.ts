// `oint sandbox`: run the local portal in the foreground until Ctrl+C, printing what a user needs
// to talk to it (webhook URL, an access token, an example command).
import { parseArgs } from "node:util";
import { EXIT } from "../cli/exit-codes.js";
import { PortalDataError, startPortal, type RunningPortal } from "./index.js";
import { describeLimits, describeScopes, LIMIT_HELP, LIMIT_OPTIONS, readLimitOptions, type LimitValues } from "./limits/sandbox-limits.js";

export const DEFAULT_SANDBOX_PORT = 3777;

export interface SandboxIo {
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
  /** Stops the sandbox like SIGINT does (for tests and embedding). */
  signal?: AbortSignal;
}

const HELP = `Usage: oint sandbox [--port N] [--host ADDRESS] [--secret SECRET] [--data FILE]

Runs a local Bitrix24-compatible portal until Ctrl+C: chats, messages, files, notifications, users,
OAuth, batch and paged lists over REST, and a web page at its root that shows them.

Options:
  --port N          port to listen on (default ${DEFAULT_SANDBOX_PORT}; 0 = any free port)
  --host ADDRESS    loopback address to listen on (default 127.0.0.1)
  --secret SECRET   webhook secret (default: 16 random lowercase letters and digits)
  --data FILE       keep the portal in this SQLite file across restarts (default: in memory)
${LIMIT_HELP}  --demo            start it, send an example message through the CLI, print the answer and
                    where to see it, keep running until Ctrl+C
  --help            show this help
`;

/** Runs the sandbox; resolves with the exit code once it has been stopped. */
export async function runSandbox(argv: string[], io: SandboxIo = {}): Promise<number> {
  const out = io.stdout ?? process.stdout;
  const err = io.stderr ?? process.stderr;
  const fail = (message: string, code: number = EXIT.badInput) => {
    err.write(`oint sandbox: ${message}\n`);
    return code;
  };

  let values: { port?: string; host?: string; secret?: string; data?: string; help?: boolean } & LimitValues;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { port: { type: "string" }, host: { type: "string" }, secret: { type: "string" }, data: { type: "string" }, help: { type: "boolean", short: "h" }, ...LIMIT_OPTIONS },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return fail(`${argumentProblem(error)}. See \`oint sandbox --help\`.`);
  }
  if (values.help) {
    out.write(HELP);
    return EXIT.ok;
  }

  const port = values.port === undefined ? DEFAULT_SANDBOX_PORT : Number(values.port);
  if (values.port !== undefined && (!/^\d+$/.test(values.port.trim()) || port > 65535)) {
    return fail(`--port must be a number from 0 to 65535 (0 = any free port), not "${values.port}"`);
  }
  const host = values.host ?? "127.0.0.1";
  if (!isLoopback(host)) {
    // The portal has no TLS and prints its secret; it must never be reachable from the network.
    return fail(`--host must be a loopback address (127.0.0.1, ::1 or localhost), not "${host}"`);
  }
  if (values.secret !== undefined && !/^[A-Za-z0-9]{1,64}$/.test(values.secret)) {
    return fail("--secret must be 1 to 64 letters or digits");
  }
  if (values.data !== undefined && values.data.trim() === "") return fail("--data needs a file name");
  const limitOptions = readLimitOptions(values);
  if (typeof limitOptions === "string") return fail(limitOptions);

  let portal: RunningPortal;
  try {
    portal = await startPortal({
      ...limitOptions,
      port,
      host: host.replace(/^\[|\]$/g, ""),
      secret: values.secret,
      data: values.data,
      maxRecordedRequests: 1000, // a long-running sandbox must not grow without bound
      log: (message) => err.write(`${message}\n`),
    });
  } catch (error) {
    if (error instanceof PortalDataError) return fail(`--data: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") return fail(`port ${port} is already in use on ${host}; choose another with --port (0 = any free port)`);
    return fail(`cannot start the portal: ${(error as Error).message}`, EXIT.unexpected);
  }

  out.write(
    [
      `Local Bitrix24 portal running at ${portal.url}`,
      `Web page:     ${portal.url}/  (open it in a browser: chats, messages and notifications, updated live)`,
      `Webhook URL:  ${portal.webhookUrl}`,
      portal.data ? `Data:         ${portal.data} (persistent)` : "Data:         in memory",
      describeLimits(portal),
      ...[describeScopes(portal)].filter((line) => line !== null),
      `Access token: ${portal.accessToken}  (user 1; send it as "auth" to ${portal.url}/rest/<method>)`,
      `OAuth app:    client id ${portal.oauth.defaultApp.clientId}, client secret ${portal.oauth.defaultApp.clientSecret}`,
      `              authorize at ${portal.url}/oauth/authorize/?client_id=${portal.oauth.defaultApp.clientId}`,
      `              tokens from ${portal.url}/oauth/token/ (for GetToken/RefreshToken: OINT_OAUTH_URL=${portal.url}/oauth/token/)`,
      ``,
      `Try:`,
      `  oint bitrix24 SendMessage --url ${portal.webhookUrl} --chat chat1 --text "Hello from oint"`,
      ``,
      `Press Ctrl+C to stop.`,
      ``,
    ].join("\n"),
  );

  await untilStopped(io.signal);
  await portal.close();
  out.write("Portal stopped.\n");
  return EXIT.ok;
}

/** Resolves on SIGINT, SIGTERM or `signal` (whichever comes first), then stops listening for them. */
export function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      signal?.removeEventListener("abort", stop);
      resolve();
    };
    if (signal?.aborted) return resolve();
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    signal?.addEventListener("abort", stop);
  });
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** One line for parseArgs' errors, whose own messages run to several sentences. */
function argumentProblem(error: unknown): string {
  const e = error as { code?: string; message?: string };
  const name = /'([^']+)'/.exec(e.message ?? "")?.[1] ?? "";
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${name}`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument "${name}"`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (/missing|ambiguous/.test(e.message ?? "")) return `option ${name.split(" ")[0]} needs a value`;
      return `option ${name} does not take a value`;
    default:
      return (e.message ?? String(error)).split("\n")[0];
  }
}
