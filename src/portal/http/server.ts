// The HTTP side of the portal: one request -> record it, route it, authenticate, run the method,
// wrap the answer in Bitrix24's envelope. Every failure ends as a Bitrix24 error envelope; nothing
// a client sends can crash the server.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Credentials } from "./auth.js";
import { BodyTooLargeError, parseBody, parseQuery, readBody } from "./body.js";
import { errorEnvelope, successEnvelope, timeBlock } from "./envelope.js";
import {
  expiredToken,
  internalError,
  invalidCredentials,
  invalidToken,
  methodNotFound,
  noAuthFound,
  RestError,
} from "./errors.js";
import { accountOf, dispatch, type DispatchResult } from "./dispatch.js";
import type { Faults } from "../limits/faults.js";
import { OperatingLimitError, type PortalLimits } from "../limits/limits.js";
import type { Params } from "./params.js";
import type { AuthInfo, MethodRegistry } from "./registry.js";
import { routeRequest, type Route } from "./routing.js";
import type { PortalState } from "../data/state.js";

/** One request as it arrived, kept so tests can assert the wire format. */
export interface RecordedRequest {
  httpMethod: string;
  /** The raw path, secret included, without the query string. */
  path: string;
  /** The query string parsed with PHP bracket syntax. */
  query: Params;
  /** Header names lower-case; a repeated header's values joined with ", ". */
  headers: Record<string, string>;
  /** The raw body as text ("" when none). */
  body: string;
  /** Query and body parameters merged (body wins), `auth` included. */
  params: Params;
  /** The REST method named by the path (".json" and "/" stripped), or null outside /rest. */
  restMethod: string | null;
}

export interface ServerDeps {
  state: PortalState;
  credentials: Credentials;
  registry: MethodRegistry;
  /** "http://host:port", known once the server listens. */
  portalUrl: () => string;
  record: (request: RecordedRequest) => void;
  log: (message: string) => void;
  /** The leaky bucket and operating budgets (limits.ts); absent = no limits. */
  limits?: PortalLimits;
  /** Faults on demand (faults.ts), acted out before the method runs. */
  faults?: Faults;
  /** Routes outside /rest (file upload and download links), consulted before answering 404. */
  routes?: readonly ExtraRoute[];
}

/** A path outside /rest that answers itself: it gets the request, its body and the portal data. */
export interface ExtraRoute {
  /** Path prefix it serves, e.g. "/upload/". */
  readonly prefix: string;
  handle(ctx: ExtraRouteContext): void | Promise<void>;
}

export interface ExtraRouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  body: Buffer;
  state: PortalState;
  portalUrl: string;
}

export function createRequestListener(deps: ServerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((error: unknown) => {
      // Last resort: a bug in the pipeline itself still gets an answer.
      deps.log(`portal: unexpected failure: ${describe(error)}`);
      if (!res.headersSent) sendError(res, internalError());
      else res.destroy();
    });
  };
}

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const startedMs = Date.now();
  const url = new URL(req.url ?? "/", "http://portal.invalid");
  const route = routeRequest(url.pathname);

  let raw: Buffer;
  try {
    raw = await readBody(req);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      res.writeHead(413, { "Content-Type": "text/plain; charset=utf-8", Connection: "close" });
      res.end("Request Entity Too Large");
    }
    return; // the client went away otherwise
  }

  const query = parseQuery(url.search);
  const body = await parseBody(req.headers["content-type"], raw);
  const bodyError = body instanceof RestError ? body : null;
  const params: Params = bodyError ? { ...query } : { ...query, ...(body as Params) };

  deps.record({
    httpMethod: req.method ?? "GET",
    path: url.pathname,
    query,
    headers: flattenHeaders(req),
    body: raw.toString("utf8"),
    params,
    restMethod: route && route.kind !== "unknown" ? route.method : null,
  });

  if (!route) {
    const extra = deps.routes?.find((r) => url.pathname.startsWith(r.prefix));
    if (extra) return extra.handle({ req, res, url, body: raw, state: deps.state, portalUrl: deps.portalUrl() });
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
    res.end("Not Found");
    return;
  }

  const fault = deps.faults?.take(route.kind === "unknown" ? null : route.method);
  if (fault && (await deps.faults!.before(fault, res))) return;
  // "drop-after": the method runs and its changes stay, but the client never hears back.
  const dropAnswer = fault?.kind === "drop-after";

  try {
    const outcome = await callMethod(deps, route, params, bodyError, req.socket.remoteAddress ?? "");
    if (dropAnswer) res.destroy();
    else sendJson(res, 200, successEnvelope(outcome.value, timeBlock(startedMs, Date.now(), outcome.operating)));
    // Live views refresh after any successful call, so mutations that do not announce themselves show too.
    if (route.kind !== "unknown") deps.state.changes.emit({ kind: "call", method: route.method.toLowerCase() });
  } catch (error) {
    if (dropAnswer) {
      res.destroy();
    } else if (error instanceof OperatingLimitError) {
      // The refusal carries the method's time block too, so a client learns operating_reset_at from it.
      sendJson(res, error.status, { ...errorEnvelope(error), time: timeBlock(startedMs, Date.now(), error.budget) });
    } else if (error instanceof RestError) {
      sendError(res, error);
    } else {
      deps.log(`portal: ${route.kind === "unknown" ? "?" : route.method} failed: ${describe(error)}`);
      sendError(res, internalError());
    }
  }
}

/** Auth first (as Bitrix24 does, an unknown method is only reported to an authorised caller), then the method. */
async function callMethod(
  deps: ServerDeps,
  route: Route,
  params: Params,
  bodyError: RestError | null,
  client: string,
): Promise<DispatchResult> {
  if (route.kind === "unknown") throw methodNotFound();

  let userId: number;
  let auth: AuthInfo;
  if (route.kind === "webhook") {
    const owner = deps.credentials.checkWebhook(route.userId, route.secret);
    if (owner === null) throw invalidCredentials();
    if (bodyError) throw bodyError;
    userId = owner;
    auth = { type: "webhook" };
  } else {
    // The token may sit in the body we could not read, so a bad body is reported before auth.
    if (bodyError) throw bodyError;
    const token = params.auth;
    if (token === undefined || token === null || token === "") throw noAuthFound();
    deps.faults?.beforeTokenCheck(token);
    const check = deps.credentials.checkToken(token);
    if (!check.ok) throw check.reason === "expired" ? expiredToken() : invalidToken();
    userId = check.userId;
    auth = { type: "oauth", token: token as string };
  }

  // The bucket counts authorised requests only: Bitrix24 keys it by portal and client IP, and a
  // request refused for bad credentials (or by the bucket itself) never reaches a method, so it
  // is not charged. A caller with a wrong secret keeps seeing INVALID_CREDENTIALS, not 503.
  deps.limits?.admit(client);

  const { auth: _auth, ...methodParams } = params;
  const account = accountOf(auth, route.kind === "webhook" ? route : undefined);
  return await dispatch(deps, { userId, auth, account }, route.method, methodParams);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: RestError): void {
  sendJson(res, error.status, errorEnvelope(error));
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
