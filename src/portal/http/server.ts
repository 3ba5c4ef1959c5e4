// The HTTP side of the portal: one request -> record it, route it, authenticate, run the method,
// wrap the answer in Bitrix24's envelope. Every failure ends as a Bitrix24 error envelope; nothing
// a client sends can crash the server.
import type { IncomingMessage, ServerResponse } from "node:http";
import { withRequestToken, type Credentials } from "./auth.js";
import { answerInXml } from "../render/xml.js";
import { BodyTooLargeError, declaredLength, discardBody, MAX_BODY_BYTES, parseBody, parseQuery, readBody } from "./body.js";
import { BODY_KEPT_BYTES, keptBody, summarizeParams, type RecordedRequest, type RequestLog } from "./request-log.js";
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

export type { RecordedRequest } from "./request-log.js";

export interface ServerDeps {
  state: PortalState;
  credentials: Credentials;
  registry: MethodRegistry;
  /** "http://host:port", known once the server listens. */
  portalUrl: () => string;
  /** Where each request is recorded (off when its capacity is 0; requests are still counted). */
  requests: RequestLog;
  /** Bodies over this many bytes are refused with 413 (default MAX_BODY_BYTES, 128 MB). */
  maxBodyBytes?: number;
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
  /** The route reads the request body itself, as it arrives (an upload), instead of being given it whole. */
  readonly streamsBody?: boolean;
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
      // A malformed %-escape in a path a route decodes is the client's mistake, not a failure.
      if (error instanceof URIError && !res.headersSent) return sendBadRequest(res);
      // Last resort: a bug in the pipeline itself still gets an answer.
      deps.log(`portal: unexpected failure: ${describe(error)}`);
      if (!res.headersSent) sendError(res, internalError());
      else res.destroy();
    });
  };
}

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const startedMs = Date.now();
  const url = parseUrl(req.url);
  const route = url && routeRequest(url.pathname);
  const extra = url && !route ? deps.routes?.find((r) => url.pathname.startsWith(r.prefix)) : undefined;
  const query = url ? parseQuery(url.search) : {};
  const record = recorder(deps, req, res, url, route ?? null, query);
  /** Answers without reading the body (recorded without it); the body is drained unkept for keep-alive. */
  const refuse = (answer: (res: ServerResponse) => void): void => {
    record();
    answer(res);
    discardBody(req);
  };

  // Refused before the body is read, so a client cannot make the portal hold what it would refuse.
  const limit = deps.maxBodyBytes ?? MAX_BODY_BYTES;
  if (!url) return refuse(sendBadRequest);
  if (declaredLength(req) > limit) return refuse(sendTooLarge);
  if (!route && !extra) return refuse(sendNotFound);
  if (route?.kind === "webhook" && deps.credentials.checkWebhook(route.userId, route.secret) === null) {
    return refuse((r) => sendError(r, invalidCredentials()));
  }

  if (extra?.streamsBody) {
    // The log keeps the body's start, as for any request; the route reads the body as it comes.
    const head: Buffer[] = [];
    let seen = 0;
    req.on("data", (chunk: Buffer) => {
      if (seen < BODY_KEPT_BYTES) head.push(chunk.subarray(0, BODY_KEPT_BYTES - seen));
      seen += chunk.length;
    });
    await extra.handle({ req, res, url: url!, body: Buffer.alloc(0), state: deps.state, portalUrl: deps.portalUrl() });
    return record(Buffer.concat(head), {}, seen);
  }

  let raw: Buffer;
  try {
    raw = await readBody(req, limit);
  } catch (error) {
    if (error instanceof BodyTooLargeError) refuse(sendTooLarge);
    return; // the client went away otherwise
  }

  const body = await parseBody(req.headers["content-type"], raw);
  const bodyError = body instanceof RestError ? body : null;
  const params: Params = bodyError ? { ...query } : { ...query, ...(body as Params) };
  record(raw, params);

  if (!route) return extra!.handle({ req, res, url: url!, body: raw, state: deps.state, portalUrl: deps.portalUrl() });

  if (route.kind !== "unknown" && route.format === "xml") answerInXml(res);
  const fault = deps.faults?.take(route.kind === "unknown" ? null : route.method);
  if (fault && (await deps.faults!.before(fault, res))) return;
  // "drop-after": the method runs and its changes stay, but the client never hears back.
  const dropAnswer = fault?.kind === "drop-after";

  try {
    const outcome = await callMethod(deps, route, withRequestToken(params, req.headers.authorization), bodyError, req.socket.remoteAddress ?? "");
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

/** The request's path and query, or null when the target cannot be read as a URL. */
function parseUrl(target: string | undefined): URL | null {
  try {
    return new URL(target ?? "/", "http://portal.invalid");
  } catch {
    return null;
  }
}

/**
 * Records the request in the log once, with what it takes: nothing of the body when it was not
 * read, the body's start and a summary of its parameters when it is large. The answer's status is
 * added when the answer has been sent.
 */
function recorder(deps: ServerDeps, req: IncomingMessage, res: ServerResponse, url: URL | null, route: Route | null, query: Params) {
  return (raw?: Buffer, params?: Params, size = raw?.length): void => {
    if (deps.requests.capacity === 0) return deps.requests.count();
    const large = raw !== undefined && (size ?? 0) > BODY_KEPT_BYTES;
    const entry: RecordedRequest = {
      httpMethod: req.method ?? "GET",
      path: url ? url.pathname : (req.url ?? "").split("?")[0].slice(0, BODY_KEPT_BYTES),
      query,
      headers: flattenHeaders(req),
      body: raw ? keptBody(raw) : "",
      bodyBytes: raw ? (size ?? raw.length) : declaredLength(req),
      params: params === undefined ? { ...query } : large ? summarizeParams(params) : params,
      restMethod: route && route.kind !== "unknown" ? route.method : null,
    };
    res.once("finish", () => (entry.status = res.statusCode));
    deps.requests.push(entry);
  };
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
    auth = { type: "webhook", scopes: deps.credentials.webhookScopes(route.secret) };
  } else {
    // The token may sit in the body we could not read, so a bad body is reported before auth.
    if (bodyError) throw bodyError;
    const token = params.auth;
    if (token === undefined || token === null || token === "") throw noAuthFound();
    deps.faults?.beforeTokenCheck(token);
    const check = deps.credentials.checkToken(token);
    if (!check.ok) throw check.reason === "expired" ? expiredToken() : invalidToken();
    userId = check.userId;
    auth = { type: "oauth", token: token as string, scopes: check.scopes };
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

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

const sendNotFound = (res: ServerResponse) => sendText(res, 404, "Not Found");
const sendBadRequest = (res: ServerResponse) => sendText(res, 400, "Bad Request");

/** As nginx in front of Bitrix24 answers a body over client_max_body_size; the connection is closed. */
function sendTooLarge(res: ServerResponse): void {
  const page = "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
  res.writeHead(413, { "Content-Type": "text/html", "Content-Length": Buffer.byteLength(page), Connection: "close" });
  res.end(page);
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
