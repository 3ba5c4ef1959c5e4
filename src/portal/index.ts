// The local portal: a Bitrix24-compatible REST server on loopback, for tests, demos and offline
// work. `startPortal()` gives a running server, its webhook URL and an access token.
import { createServer, type RequestListener } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { Faults, type FaultSpec } from "./limits/faults.js";
import { PortalLimits, type BucketSettings, type OperatingSettings, type Plan } from "./limits/limits.js";
import { selfSignedCertificate, type TlsPair } from "./http/tls.js";
import { Credentials, randomSecret, type TokenGrant } from "./http/auth.js";
import { registerDefaultMethods } from "./methods/index.js";
import { MethodRegistry, scopeList, type MethodHandler } from "./http/registry.js";
import { createRequestListener } from "./http/server.js";
import { DEFAULT_REQUEST_LOG, RequestLog } from "./http/request-log.js";
import { PortalState } from "./data/state.js";
import { webRoutes } from "./web/routes.js";
import { CommandPresses } from "./web/presses.js";
import { avatarRoutes } from "./routes/avatar-routes.js";
import { diskRoutes } from "./routes/disk-routes.js";
import { OAuthServer, type OAuthOptions } from "./routes/oauth.js";
import { PortalData, persistAfterEachRequest } from "./data/persistence.js";
import { seedSyntheticDeals } from "./data/deals.js";
import { seedDepartmentsIfNone } from "./data/departments.js";
import { seedWorkgroupsIfNone, setWorkgroups, type WorkgroupSpec } from "./data/workgroups.js";
import { seedTasks } from "./data/tasks.js";

export { Credentials, randomSecret, type TokenGrant, type TokenCheck } from "./http/auth.js";
export { paged, PagedResult, type TimeBlock } from "./http/envelope.js";
export { RestError, badRequest, forbidden, type ErrorEnvelope } from "./http/errors.js";
export { ALL_SCOPES, METHOD_SCOPES, MethodRegistry, type AuthInfo, type MethodContext, type MethodHandler } from "./http/registry.js";
export { RequestLog, BODY_KEPT_BYTES, DEFAULT_REQUEST_LOG, type RecordedRequest } from "./http/request-log.js";
export { MAX_BODY_BYTES } from "./http/body.js";
export { Faults, type FaultKind, type FaultSpec } from "./limits/faults.js";
export {
  PLAN_BUCKETS,
  PortalLimits,
  type BucketSettings,
  type CostSetting,
  type LimitSettings,
  type OperatingSettings,
  type OperatingStatus,
  type Plan,
} from "./limits/limits.js";
export { LeadStore, type LeadRecord } from "./data/leads.js";
export { selfSignedCertificate, type TlsPair } from "./http/tls.js";
export { OAuthServer, type OAuthApp, type OAuthAppSpec, type OAuthOptions, type TokenAnswer } from "./routes/oauth.js";
export { PortalDataError } from "./data/persistence.js";
export type { WorkgroupSpec } from "./data/workgroups.js";
export { CommandPresses, type CommandPress } from "./web/presses.js";
export {
  DELETED_MESSAGE_TEXT,
  PortalState,
  type AttachRecord,
  type ChatRecord,
  type MessageRecord,
  type PortalStateOptions,
  type UserRecord,
} from "./data/state.js";

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
   * Scopes (comma-separated, Bitrix24's names: "im,user,crm") of the webhook, the access token and
   * the default OAuth app the portal makes; a method outside them answers 403 insufficient_scope.
   * Default: every scope. More webhooks and apps: `portal.addWebhook`, `portal.oauth.registerApp`.
   */
  scope?: string;
  /**
   * OAuth access tokens: token -> user id, or a grant with an expiry (ms timestamp). Default: one
   * random non-expiring token for user 1.
   */
  accessTokens?: Record<string, number | TokenGrant>;
  /** Portal data to serve (default: a freshly seeded PortalState). */
  state?: PortalState;
  /** Extra or replacement method handlers, by method name. */
  methods?: Record<string, MethodHandler>;
  /**
   * Size of the request log (`portal.requests`): the last N requests are kept, each with its body
   * up to 8 KB (default 1000; 0 = off, requests are only counted).
   */
  requestLog?: number;
  /** The former name of `requestLog`. */
  maxRecordedRequests?: number;
  /** Bodies over this many bytes are refused with 413 before they are read whole (default 128 MB). */
  maxBodyBytes?: number;
  /** Where internal errors are reported (default: nowhere). */
  log?: (message: string) => void;
  /**
   * Bitrix24's limits (limits.ts). startPortal() enforces none unless `plan`, `bucket` or
   * `operating` is given (tests of other features must not meet 503s); `oint sandbox` runs
   * "standard" like a real portal. "standard": bucket 50, drain 2/s; "enterprise": 250, 5/s.
   */
  plan?: Plan;
  /** Overrides the plan's bucket (and turns limits on). */
  bucket?: Partial<BucketSettings>;
  /** The operating budget: limitSeconds (480), windowSeconds (600), costSeconds per call. */
  operating?: OperatingSettings;
  /** Runs the limits' clock this many times faster (10: drain 20/s, 60 s window). Default 1. */
  timeScale?: number;
  /** The limits' clock in ms (default Date.now), for tests that step time by hand. */
  clock?: () => number;
  /** Faults to act out from the first request on (more via RunningPortal.faults). */
  faults?: FaultSpec[];
  /**
   * Workgroups and their members, put in place of the seeded ones with the same id (the seed has
   * group 1 of users 1, 2, 3). Only members (the owner is one) and administrators may use a group's
   * Drive storage (group 1 has one) and its calendars (type "group", ownerId = the id).
   */
  workgroups?: WorkgroupSpec[];
  /** Synthetic CRM leads 1..N, computed on demand (100,000 cost nothing at start). */
  leads?: number;
  /** Synthetic CRM deals 1..N in pipeline 0, computed on demand like leads (for benches: walking or updating many deals). */
  deals?: number;
  /** Synthetic tasks 1..N, computed on demand like leads (seedTasks; for benches: walking many tasks). */
  tasks?: number;
  /** Serve HTTPS: true = a fresh self-signed certificate (made in-process), or a given pair. */
  https?: true | TlsPair;
  /** The OAuth server (/oauth/authorize/, /oauth/token/): apps, token/code lifetimes (oauth.ts). */
  oauth?: OAuthOptions;
  /**
   * Keep the portal in this SQLite file across restarts: loaded when it exists (then `secret`,
   * the access token, the OAuth apps and leads default to the saved ones; only a new file is
   * seeded), the rows each request changed committed before its answer is sent, and on close().
   * A file of the previous release is converted on open. Without it nothing touches the disk.
   * An unusable file (not an oint portal database, a later schema version, in use) throws PortalDataError.
   */
  data?: string;
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
  /**
   * Creates another inbound webhook (default: of user 1, a random secret, every scope) and returns
   * its URL, "http://127.0.0.1:PORT/rest/<user>/<secret>/"; `scope` as Bitrix24's webhook permissions ("crm,user").
   */
  addWebhook(spec?: { userId?: number; secret?: string; scope?: string }): string;
  /**
   * The last `requestLog` requests, oldest first. `length` counts every request received,
   * `at(-1)` is the newest, `slice(mark)` the ones since `length` was `mark`, `filter`, `find`…
   */
  requests: RequestLog;
  /** Faults on demand: add({kind, method?, times?}), expireAllTokens(), expireTokenAfter(). */
  faults: Faults;
  /** The leaky bucket and operating budgets (enabled false when the plan is "off"). */
  limits: PortalLimits;
  /** The PEM certificate when serving HTTPS, for clients to trust (NODE_EXTRA_CA_CERTS, an Agent's `ca`). */
  certificate?: string;
  /** The OAuth server: `oauth.defaultApp` has the client id and secret for GetToken/RefreshToken. */
  oauth: OAuthServer;
  /** The SQLite file the portal is kept in (PortalOptions.data), or undefined when in memory. */
  data?: string;
  /** COMMAND buttons and menu items pressed on the web page (`list`), in place of ONIMCOMMANDADD events to a bot. */
  commandPresses: CommandPresses;
  /** Stops the server and drops open (keep-alive) connections. */
  close(): Promise<void>;
}

export async function startPortal(options: PortalOptions = {}): Promise<RunningPortal> {
  const data = options.data === undefined ? undefined : await PortalData.open(options.data);
  try {
    return await startWith(options, data);
  } catch (error) {
    data?.close(() => {}); // releases the file's lock for the next attempt
    throw error;
  }
}

async function startWith(options: PortalOptions, data: PortalData | undefined): Promise<RunningPortal> {
  const host = options.host ?? "127.0.0.1";
  const log = options.log ?? (() => {});
  // A saved portal is loaded into the state; only a new one gets the demo seed.
  const saved = data?.saved;
  const state = options.state ?? new PortalState({ seed: !saved });
  data?.restoreState(state);
  if (saved) seedDepartmentsIfNone(state); // a file from before departments: its users' UF_DEPARTMENT must name something
  if (saved) seedWorkgroupsIfNone(state); // a file from before workgroups: group 1's storage and calendars keep their members
  if (options.workgroups) setWorkgroups(state, options.workgroups);
  const secret = options.secret ?? (saved?.primary.webhookSecret || randomSecret());
  if (!/^[A-Za-z0-9_-]+$/.test(secret)) throw new Error("portal secret must be letters, digits, '_' or '-'");
  const webhookUserId = options.webhookUserId ?? saved?.primary.webhookUserId ?? 1;
  if (!state.getUser(webhookUserId)) throw new Error(`webhook user ${webhookUserId} does not exist on the portal`);

  const scopes = options.scope === undefined ? undefined : scopeList(options.scope);
  const credentials = new Credentials();
  data?.restoreCredentials(credentials);
  credentials.addWebhook(webhookUserId, secret, scopes);
  const tokenEntries = Object.entries(options.accessTokens ?? {});
  for (const [token, grant] of tokenEntries) {
    credentials.addToken(token, typeof grant === "number" ? { userId: grant } : grant);
  }
  const savedToken = scopes === undefined ? data?.savedAccessToken(credentials) : undefined; // asked-for scopes need a token of their own
  const accessToken = tokenEntries.length > 0 ? tokenEntries[0][0] : (savedToken ?? credentials.issueToken(1, undefined, undefined, scopes));

  const methods = registerDefaultMethods(new MethodRegistry());
  if (options.methods) methods.registerAll(options.methods);

  const limitsAsked = options.plan !== undefined || options.bucket !== undefined || options.operating !== undefined;
  const limits = new PortalLimits({
    plan: options.plan ?? (limitsAsked ? "standard" : "off"),
    bucket: options.bucket,
    operating: options.operating,
    timeScale: options.timeScale,
    clock: options.clock,
  });
  const faults = new Faults(credentials);
  if (options.faults) faults.add(...options.faults);
  if (options.leads && !saved) state.leads.seedSynthetic(options.leads); // a saved portal keeps its leads
  if (options.deals && !saved) seedSyntheticDeals(state, options.deals);
  if (options.tasks && !saved) seedTasks(state, options.tasks);
  const tls = options.https === true ? selfSignedCertificate(host) : options.https;

  const requests = new RequestLog(options.requestLog ?? options.maxRecordedRequests ?? DEFAULT_REQUEST_LOG);
  let url = "";
  const commandPresses = new CommandPresses(state);
  const oauth = new OAuthServer(credentials, () => url, { userId: webhookUserId, defaultScope: options.scope, ...options.oauth });
  data?.restoreOAuth(oauth);
  data?.attach({ state, credentials, oauth, primary: { webhookSecret: secret, webhookUserId, accessToken } });
  const server = listenerServer(
    tls,
    persistAfterEachRequest(data, log, createRequestListener({
      state,
      credentials,
      registry: methods,
      limits: limits.enabled ? limits : undefined,
      faults,
      portalUrl: () => url,
      requests,
      maxBodyBytes: options.maxBodyBytes,
      log,
      // The web page's routes go last: its root route's prefix "/" matches every path.
      routes: [...avatarRoutes, ...diskRoutes, ...oauth.routes(), ...webRoutes({ state, registry: methods, portalUrl: () => url, presses: commandPresses })],
    })),
  );

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  url = `${tls ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${port}`;

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
    addWebhook(spec = {}) {
      const userId = spec.userId ?? 1;
      const hookSecret = spec.secret ?? randomSecret();
      if (!/^[A-Za-z0-9_-]+$/.test(hookSecret)) throw new Error("webhook secret must be letters, digits, '_' or '-'");
      if (!state.getUser(userId)) throw new Error(`webhook user ${userId} does not exist on the portal`);
      credentials.addWebhook(userId, hookSecret, spec.scope === undefined ? undefined : scopeList(spec.scope));
      return `${url}/rest/${userId}/${hookSecret}/`;
    },
    requests,
    faults,
    limits,
    certificate: tls?.cert,
    oauth,
    data: data?.file,
    commandPresses,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          data?.close(log); // the last flush, after the last request
          resolve();
        });
        server.closeAllConnections(); // keep-alive sockets would otherwise hold close() open
      });
      return closing;
    },
  };
}

/** Plain HTTP, or HTTPS with the given key pair. */
function listenerServer(tls: TlsPair | undefined, listener: RequestListener) {
  return tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, listener) : createServer(listener);
}
