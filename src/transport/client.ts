// One client per portal connection owns the transport: it builds the request (URL, verb, auth
// placement), sends it with fetch and turns the answer into an Envelope or a typed error. Every
// library function and CLI command goes through `call`, so limits and retries live in one place.
import { resolveEndpoint, type Endpoint } from "./endpoint.js";
import { Bitrix24Error, TransportError } from "./errors.js";
import { isErrorEnvelope, type Envelope } from "./envelope.js";
import { redactKnown, redactValue } from "./redact.js";

export type HttpVerb = "GET" | "POST";

export interface ClientOptions {
  /** Webhook URL, or the portal address when `token` is given. */
  url: string;
  /** OAuth access token, sent as the `auth` parameter. */
  token?: string;
  /** Per-request timeout; Bitrix24 itself cuts requests at 60 s. */
  timeoutMs?: number;
  /** Receives one line per request and per answer, secrets already redacted. */
  debug?: (line: string) => void;
  /** A fetch implementation (tests, proxies); defaults to Node's global fetch. */
  fetch?: typeof fetch;
}

export interface CallOptions {
  httpMethod?: HttpVerb;
}

/** A request ready to go: what `--test` prints (after redaction) and what `send` sends. */
export interface PreparedRequest {
  method: string;
  httpMethod: HttpVerb;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** The parameters, auth included, before encoding. */
  params: Record<string, unknown>;
}

const USER_AGENT = "oint/0.1 (+https://www.npmjs.com/package/oint)";

// Errors that mean the request never left this machine, so even a write can be retried safely.
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);

export class Bitrix24Client {
  readonly endpoint: Endpoint;
  private readonly options: ClientOptions;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ClientOptions) {
    this.options = options;
    this.endpoint = resolveEndpoint(options.url, options.token);
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  /** Calls a REST method and returns its envelope; Bitrix24 errors are thrown as Bitrix24Error. */
  async call<T = unknown>(method: string, params: Record<string, unknown> = {}, options: CallOptions = {}): Promise<Envelope<T>> {
    return this.send<T>(await this.prepare(method, params, options.httpMethod ?? "POST"));
  }

  async prepare(method: string, params: Record<string, unknown>, httpMethod: HttpVerb = "POST"): Promise<PreparedRequest> {
    const all = this.endpoint.token ? { ...params, auth: this.endpoint.token } : { ...params };
    const url = this.endpoint.base + method;
    const headers: Record<string, string> = { accept: "application/json", "user-agent": USER_AGENT };
    if (httpMethod === "GET") {
      const query = await encodeQuery(all);
      return { method, httpMethod, url: query ? `${url}?${query}` : url, headers, params: all };
    }
    headers["content-type"] = "application/json; charset=utf-8";
    return { method, httpMethod, url, headers, body: JSON.stringify(all), params: all };
  }

  /** The request as it may be shown to a person: secrets masked. */
  describe(request: PreparedRequest): { method: string; httpMethod: HttpVerb; url: string; body?: unknown } {
    return {
      method: request.method,
      httpMethod: request.httpMethod,
      url: this.redact(request.url),
      ...(request.httpMethod === "POST" ? { body: redactValue(request.params) } : {}),
    };
  }

  async send<T = unknown>(request: PreparedRequest): Promise<Envelope<T>> {
    const debug = this.options.debug;
    const shown = this.describe(request);
    debug?.(`${shown.httpMethod} ${shown.url}${shown.body ? ` ${JSON.stringify(shown.body)}` : ""}`);
    const started = performance.now();

    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(request.url, {
        method: request.httpMethod,
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
      });
      text = await response.text();
    } catch (error) {
      throw this.transportError(request.method, error);
    }
    debug?.(`answer HTTP ${response.status} in ${Math.round(performance.now() - started)} ms`);

    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      throw new TransportError(
        `HTTP_${response.status}`,
        `${request.method}: the portal answered HTTP ${response.status} with a body that is not JSON: ${this.redact(text.slice(0, 200))}`,
        request.method,
        response.status >= 500,
      );
    }
    if (isErrorEnvelope(body)) {
      throw new Bitrix24Error(body.error, this.redact(String(body.error_description ?? "")), response.status, request.method);
    }
    if (!response.ok) {
      throw new TransportError(`HTTP_${response.status}`, `${request.method}: the portal answered HTTP ${response.status}`, request.method, response.status >= 500);
    }
    return body as Envelope<T>;
  }

  /** Masks this connection's secrets (and any webhook path) in a text. */
  redact(text: string): string {
    return redactKnown(text, [this.endpoint.secret, this.endpoint.token]);
  }

  private transportError(method: string, error: unknown): TransportError {
    const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (err?.name === "TimeoutError" || err?.name === "AbortError") {
      return new TransportError("TIMEOUT", `${method}: no answer from ${this.endpoint.portal} within ${(this.options.timeoutMs ?? 60_000) / 1000} s; the request may or may not have been carried out`, method, true);
    }
    const code = err?.cause?.code ?? "NETWORK_ERROR";
    const notSent = NOT_SENT.has(code);
    const reason = this.redact(err?.cause?.message ?? err?.message ?? String(error));
    return new TransportError(
      notSent ? "CONNECTION_FAILED" : "NETWORK_ERROR",
      notSent
        ? `${method}: could not connect to ${this.endpoint.portal} (${reason}); nothing was sent`
        : `${method}: the connection to ${this.endpoint.portal} failed (${reason}); the request may or may not have been carried out`,
      method,
      !notSent,
    );
  }
}

/** Query strings in Bitrix24's PHP bracket syntax (`ID[0]=1&FILTER[NAME]=x`). */
async function encodeQuery(params: Record<string, unknown>): Promise<string> {
  const nested = Object.values(params).some((v) => v !== null && typeof v === "object");
  if (!nested) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) search.append(key, String(value));
    return search.toString();
  }
  const { default: qs } = await import("qs"); // loaded only when needed: keeps CLI start-up fast
  return qs.stringify(params, { encodeValuesOnly: true });
}
