// The local portal: a Bitrix24-compatible REST server on loopback, for tests, demos and offline
// work. `startPortal()` gives a running server, its webhook URL and an access token.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Credentials, randomSecret, type TokenGrant } from "./auth.js";
import { registerDefaultMethods } from "./methods/index.js";
import { MethodRegistry, type MethodHandler } from "./registry.js";
import { createRequestListener, type RecordedRequest } from "./server.js";
import { PortalState } from "./state.js";

export { Credentials, randomSecret, type TokenGrant, type TokenCheck } from "./auth.js";
export { paged, PagedResult, type TimeBlock } from "./envelope.js";
export { RestError, badRequest, forbidden, type ErrorEnvelope } from "./errors.js";
export { MethodRegistry, type AuthInfo, type MethodContext, type MethodHandler } from "./registry.js";
export type { RecordedRequest } from "./server.js";
export {
  DELETED_MESSAGE_TEXT,
  PortalState,
  type AttachRecord,
  type ChatRecord,
  type MessageRecord,
  type PortalStateOptions,
  type UserRecord,
} from "./state.js";

export interface PortalOptions {
  /** TCP port; 0 = any free port (default 0). */
  port?: number;
  /** Interface to listen on (default "127.0.0.1"). */
  host?: string;
  /** Webhook secret (default: 16 random lowercase alphanumerics). */
  secret?: string;
  /** Owner of the webhook, the user in /rest/<id>/<secret>/ (default 1). */
  webhookUserId?: number;
  /**
   * OAuth access tokens: token -> user id, or a grant with an expiry (ms timestamp). Default: one
   * random non-expiring token for user 1.
   */
  accessTokens?: Record<string, number | TokenGrant>;
  /** Portal data to serve (default: a freshly seeded PortalState). */
  state?: PortalState;
  /** Extra or replacement method handlers, by method name. */
  methods?: Record<string, MethodHandler>;
  /** Keep at most this many RecordedRequests, dropping the oldest (default: keep all). */
  maxRecordedRequests?: number;
  /** Where internal errors are reported (default: nowhere). */
  log?: (message: string) => void;
}

export interface RunningPortal {
  /** "http://127.0.0.1:PORT" */
  url: string;
  port: number;
  /** "http://127.0.0.1:PORT/rest/<webhookUserId>/<secret>/" */
  webhookUrl: string;
  secret: string;
  /** An OAuth access token (for user 1 unless accessTokens says otherwise). */
  accessToken: string;
  state: PortalState;
  /** Webhooks and tokens; the place to add or expire tokens at run time. */
  credentials: Credentials;
  /** The portal's methods; register extra handlers here. */
  methods: MethodRegistry;
  /** Every request received, oldest first. */
  requests: RecordedRequest[];
  /** Stops the server and drops open (keep-alive) connections. */
  close(): Promise<void>;
}

export async function startPortal(options: PortalOptions = {}): Promise<RunningPortal> {
  const host = options.host ?? "127.0.0.1";
  const state = options.state ?? new PortalState();
  const secret = options.secret ?? randomSecret();
  if (!/^[A-Za-z0-9_-]+$/.test(secret)) throw new Error("portal secret must be letters, digits, '_' or '-'");
  const webhookUserId = options.webhookUserId ?? 1;
  if (!state.getUser(webhookUserId)) throw new Error(`webhook user ${webhookUserId} does not exist on the portal`);

  const credentials = new Credentials();
  credentials.addWebhook(webhookUserId, secret);
  const tokenEntries = Object.entries(options.accessTokens ?? {});
  for (const [token, grant] of tokenEntries) {
    credentials.addToken(token, typeof grant === "number" ? { userId: grant } : grant);
  }
  const accessToken = tokenEntries.length > 0 ? tokenEntries[0][0] : credentials.issueToken(1);

  const methods = registerDefaultMethods(new MethodRegistry());
  if (options.methods) methods.registerAll(options.methods);

  const requests: RecordedRequest[] = [];
  const maxRecorded = options.maxRecordedRequests ?? Infinity;
  let url = "";
  const server = createServer(
    createRequestListener({
      state,
      credentials,
      registry: methods,
      portalUrl: () => url,
      record: (request) => {
        requests.push(request);
        if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);
      },
      log: options.log ?? (() => {}),
    }),
  );

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    webhookUrl: `${url}/rest/${webhookUserId}/${secret}/`,
    secret,
    accessToken,
    state,
    credentials,
    methods,
    requests,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // keep-alive sockets would otherwise hold close() open
      });
      return closing;
    },
  };
}
