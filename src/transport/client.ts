// One client per portal connection owns the transport: it builds the request (URL, verb, auth
// placement), sends it (http.ts, or a given fetch) and turns the answer into an Envelope or a
// typed error. Every library function and CLI command goes through `send`, so limits and retries
// live in one place: limiter (wait for a slot) -> one HTTP attempt -> classify the failure -> retry,
// refresh or give up.
import type { BatchCall, BatchOptions, BatchOutcome } from "./batch.js";
import type { MethodResults } from "../library-api.js";

import { resolveEndpoint, type Endpoint } from "./endpoint.js";
import { readAnswer, RESULT_ENVELOPE } from "./answer.js";
import { InputError, TransportError, unusableAnswer, type RequestInfo } from "./errors.js";
import type { Envelope } from "./envelope.js";
import { httpSend, type HttpAnswer, type HttpSend } from "./http.js";
import { Limiter, PLAN_BUCKETS, processLimiterStore, realClock, type Bucket, type Clock, type LimiterStore, type OperatingInfo, type Plan } from "./limiter.js";
import { OAuthSession, type TokenSet } from "./oauth.js";
import { listItems, type ListOptions, type ListIterable } from "./paging.js";
import { redactKnown, redactValue } from "./redact.js";
import { classify, DEFAULT_RETRY_POLICY, guessReplay, type Replay, type RetryPolicy } from "./retry.js";
import { VERSION } from "../version.js";

/** A batch call's result type: its method's, when a catalogue function calls that method. */
type CallResult<C> = C extends readonly [infer M, ...unknown[]] | { readonly method: infer M } ? (M extends keyof MethodResults ? MethodResults[M] : unknown) : unknown;

export type HttpVerb = "GET" | "POST";

/**
 * One item of a list method's answer, for `client.list`: the element of `result` when it is a list
 * (`crm.lead.list`: CrmLead), or of the one list it holds (`tasks.task.list`: `{ tasks: Task[] }`).
 */
export type ListItem<R> = R extends readonly (infer I)[]
  ? I
  : R extends Record<string, infer V>
    ? V extends readonly (infer I)[]
      ? I
      : Record<string, unknown>
    : Record<string, unknown>;

export interface ClientOptions {
  /** Webhook URL, or the portal address when `token` is given. */
  url: string;
  /** OAuth access token, sent as the `auth` parameter. */
  token?: string;
  /** Per-request timeout; Bitrix24 itself cuts requests at 60 s. */
  timeoutMs?: number;
  /** Receives one line per request and per answer, secrets already redacted. */
  debug?: (line: string) => void;
  /**
   * A fetch implementation (tests, proxies) to send with. Default: oint's own node:http/node:https
   * transport (http.ts), which keeps connections alive without keeping the process alive.
   */
  fetch?: typeof fetch;

  // OAuth that refreshes itself: all four of token, refreshToken, clientId, clientSecret.
  /** OAuth refresh token; with clientId and clientSecret the client refreshes after `expired_token`. */
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
  /** OAuth token endpoint (default: setOAuthServer()/OINT_OAUTH_URL/oauth.bitrix.info). */
  oauthTokenUrl?: string;
  /** Receives the new tokens after every refresh; store them, the old refresh token is spent. */
  onTokens?: (tokens: TokenSet) => void | Promise<void>;

  // Limits (bitrix24-rest.md §2).
  /** The portal's request bucket: "standard" 50 at 2/s (default), "enterprise" 250 at 5/s, "off". */
  plan?: Plan;
  /** A custom bucket instead of the plan's (on-premise portals configure their own). */
  bucket?: Bucket;
  /** Where the limiter keeps its state; default: one in-memory store shared by the whole process. */
  limiterStore?: LimiterStore;
  /** A method's operating budget in seconds (default 480, Bitrix24 cloud). */
  operatingLimitSeconds?: number;
  /** Re-sends after a failure (default 5). */
  maxRetries?: number;
  /** Backoff and waits; see RetryPolicy. */
  retry?: Partial<RetryPolicy>;
  /** Time as the limiter and retries see it (tests: virtual time); HTTP is unaffected. */
  clock?: Partial<Clock>;
}

export interface CallOptions {
  httpMethod?: HttpVerb;
  /** Whether the call may be re-sent after an ambiguous failure; default: reads safe, others not. */
  replay?: Replay;
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
  /** From the function's definition; absent: guessed from the method name (see guessReplay). */
  replay?: Replay;
}

const USER_AGENT = `oint/${VERSION} (+https://www.npmjs.com/package/oint)`; // VERSION: package.json's, written at build

// Errors that mean the request never left this machine, so even a write can be retried safely.
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);
// A TLS handshake that failed: nothing was sent, and the same request would fail the same way.
const TLS_FAILURES = /^(EPROTO|ERR_SSL_\w+|ERR_TLS_\w+|\w*CERT\w*|UNABLE_TO_\w+|HOSTNAME_MISMATCH)$/;

export class Bitrix24Client {
  readonly endpoint: Endpoint;
  /** Set when the client can refresh its OAuth token. */
  readonly oauth: OAuthSession | undefined;
  private readonly options: ClientOptions;
  private readonly sendHttp: HttpSend;
  private readonly limiter: Limiter;
  private readonly clock: Clock;
  private readonly policy: RetryPolicy;
  /** Who the portal counts operating time for: the webhook or the OAuth application (see callerKey). */
  private readonly identity: string;
  private caller: string | undefined;

  constructor(options: ClientOptions) {
    this.options = options;
    this.endpoint = resolveEndpoint(options.url, options.token);
    this.sendHttp = (options.fetch as HttpSend | undefined) ?? httpSend; // fetch takes the same (url, {method, headers, body, signal})
    const { refreshToken, clientId, clientSecret } = options;
    // A refresh token that can never be used would let the client fail silently an hour later.
    if (refreshToken && !this.endpoint.token) throw new InputError("refreshToken is for an OAuth connection: give the access token too (token)", "token");
    if (refreshToken && !(clientId && clientSecret)) throw new InputError(`refreshToken needs the application's ${clientId ? "clientSecret" : "clientId and clientSecret"} to refresh with`, clientId ? "clientSecret" : "clientId");
    if (this.endpoint.token && refreshToken && clientId && clientSecret) {
      this.oauth = new OAuthSession({
        accessToken: this.endpoint.token,
        refreshToken,
        clientId,
        clientSecret,
        tokenUrl: options.oauthTokenUrl,
        onTokens: options.onTokens,
        fetch: options.fetch,
        timeoutMs: options.timeoutMs,
      });
    }
    this.clock = { ...realClock, ...options.clock };
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry, ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}) };
    const plan = options.plan ?? "standard";
    this.limiter = new Limiter({
      store: options.limiterStore ?? processLimiterStore,
      bucket: options.bucket ?? (plan === "off" ? null : PLAN_BUCKETS[plan]),
      clock: this.clock,
      operatingLimitSeconds: options.operatingLimitSeconds,
      onWait: options.debug,
    });
    this.identity = this.endpoint.mode === "webhook" ? `hook:${this.endpoint.base}` : `app:${clientId ?? "token"}`;
  }

  /**
   * Calls a REST method and returns its envelope; Bitrix24 errors are thrown as Bitrix24Error. A
   * method a catalogue function calls is typed by its definition (`call("im.message.add", …)`
   * answers `Envelope<number>`); any other, or `call<T>(…)`, by `T`.
   */
  call<M extends keyof MethodResults>(method: M, params?: Record<string, unknown>, options?: CallOptions): Promise<Envelope<MethodResults[M]>>;
  call<T = unknown>(method: string, params?: Record<string, unknown>, options?: CallOptions): Promise<Envelope<T>>;
  async call(method: string, params: Record<string, unknown> = {}, options: CallOptions = {}): Promise<Envelope<unknown>> {
    return this.send(await this.prepare(method, params, options.httpMethod ?? "POST", { replay: options.replay }));
  }

  /**
   * Any number of calls, sent 50 to a request; each call's result or error in input order.
   * With `halt`, the first failure stops the rest (they come back as BATCH_HALTED errors).
   */
  batch<const C extends readonly BatchCall[]>(calls: C, options?: BatchOptions): Promise<{ -readonly [K in keyof C]: BatchOutcome<CallResult<C[K]>> }>;
  batch<T = unknown>(calls: readonly BatchCall[], options?: BatchOptions): Promise<BatchOutcome<T>[]>;
  async batch(calls: readonly BatchCall[], options: BatchOptions = {}): Promise<BatchOutcome<unknown>[]> {
    const { runBatch } = await import("./batch.js"); // loaded on first use: keeps CLI start-up fast
    return runBatch(this, calls, options);
  }

  /**
   * Every item of a list method, page by page (memory stays flat): `for await (const lead of
   * client.list("crm.lead.list", { filter }))`. Modes: "offset" (start/next), "keyset" (ID filter,
   * start=-1, no totals), "batched-keyset" (up to 50 keyset pages per request). `.pages()` yields pages.
   */
  list<M extends keyof MethodResults>(method: M, params?: Record<string, unknown>, options?: ListOptions): ListIterable<ListItem<MethodResults[M]>>;
  list<T = Record<string, unknown>>(method: string, params?: Record<string, unknown>, options?: ListOptions): ListIterable<T>;
  list(method: string, params: Record<string, unknown> = {}, options: ListOptions = {}): ListIterable<unknown> {
    return listItems(this, method, params, options);
  }

  async prepare(method: string, params: Record<string, unknown>, httpMethod: HttpVerb = "POST", options: { replay?: Replay } = {}): Promise<PreparedRequest> {
    const token = this.oauth?.accessToken ?? this.endpoint.token;
    const all = token ? { ...params, auth: token } : { ...params };
    const url = this.endpoint.base + method;
    const headers: Record<string, string> = { accept: "application/json", "user-agent": USER_AGENT };
    const replay = options.replay ? { replay: options.replay } : {};
    if (httpMethod === "GET") {
      const query = await encodeQuery(all);
      return { method, httpMethod, url: query ? `${url}?${query}` : url, headers, params: all, ...replay };
    }
    headers["content-type"] = "application/json; charset=utf-8";
    return { method, httpMethod, url, headers, body: JSON.stringify(all), params: all, ...replay };
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

  /**
   * Sends a prepared request through the pipeline: waits for the limiter, sends, and on failure
   * retries (safe calls, or failures that prove nothing was done), refreshes the OAuth token once,
   * or gives up. An unsafe call that may have been carried out is never re-sent: its TransportError
   * has `outcomeUnknown` and the (redacted) `request`.
   */
  async send<T = unknown>(request: PreparedRequest, options: { replay?: Replay } = {}): Promise<Envelope<T>> {
    const replay = options.replay ?? request.replay ?? guessReplay(request.method);
    const methodKey = await this.methodKey(request.method);
    const debug = this.options.debug;
    let current = request;
    let attempt = 0;
    let refreshed = false;
    for (;;) {
      await this.limiter.acquire(this.endpoint.portal, methodKey, current.method);
      const usedToken = this.oauth?.accessToken;
      try {
        const envelope = await this.sendOnce<T>(current);
        await this.limiter.observe(methodKey, envelope?.time);
        return envelope;
      } catch (error) {
        const decision = classify(error, { replay, attempt, policy: this.policy, canRefresh: !!this.oauth && !refreshed, random: this.clock.random });
        const reason = (error as { code?: string }).code ?? "error";
        switch (decision.kind) {
          case "fail":
            throw error instanceof TransportError ? this.withRequest(error, current, "") : error;
          case "outcome-unknown":
            throw this.withRequest(
              error as TransportError,
              current,
              ` It was not sent again: ${current.method} is not safe to replay (it could be carried out twice); check whether it took effect before repeating it.`,
            );
          case "refresh": {
            refreshed = true;
            debug?.(`${current.method}: ${reason}; refreshing the access token`);
            await this.oauth!.refresh(usedToken!);
            const { auth: _stale, ...params } = current.params;
            current = await this.prepare(current.method, params, current.httpMethod, { replay });
            continue; // a refresh is not a retry: the call was refused before it ran
          }
          case "rate-limit":
            await this.limiter.saturate(this.endpoint.portal);
            debug?.(`${current.method}: ${reason}; retry ${attempt + 1}/${this.policy.maxRetries} after ${decision.delayMs} ms and a free slot`);
            await this.clock.sleep(decision.delayMs);
            break;
          case "operating": {
            const until = await this.limiter.blockOperating(methodKey, this.policy.operatingFallbackMs);
            debug?.(`${current.method}: ${reason}; retry ${attempt + 1}/${this.policy.maxRetries} at ${new Date(until).toISOString()}`);
            break; // acquire() waits for the block
          }
          case "retry":
            debug?.(`${current.method}: ${reason}; retry ${attempt + 1}/${this.policy.maxRetries} in ${decision.delayMs} ms`);
            await this.clock.sleep(decision.delayMs);
            break;
        }
        attempt++;
      }
    }
  }

  /**
   * What `console.log(client)`, `util.inspect` and `JSON.stringify` show: the portal, how it is
   * reached and whether tokens are refreshed; never the webhook secret, a token or the client secret.
   */
  toJSON(): { portal: string; url: string; auth: Endpoint["mode"]; refreshesTokens: boolean } {
    return { portal: this.endpoint.portal, url: redactKnown(this.endpoint.base, this.knownSecrets()), auth: this.endpoint.mode, refreshesTokens: !!this.oauth };
  }

  [Symbol.for("nodejs.util.inspect.custom")](_depth: number, options: unknown, inspect: (value: unknown, options: unknown) => string): string {
    return `Bitrix24Client ${inspect(this.toJSON(), options)}`;
  }

  /** Every secret this client knows (webhook secret, tokens, client secret), for masking output. */
  knownSecrets(): string[] {
    return [this.endpoint.secret, this.endpoint.token, ...(this.oauth?.secrets() ?? [])].filter((s): s is string => !!s);
  }

  /** One HTTP attempt: the answer as an envelope, or a typed error. */
  private async sendOnce<T>(request: PreparedRequest): Promise<Envelope<T>> {
    const debug = this.options.debug;
    if (debug) {
      // Redacting copies the whole body: only worth it when someone reads the line.
      const shown = this.describe(request);
      debug(`${shown.httpMethod} ${shown.url}${shown.body ? ` ${JSON.stringify(shown.body)}` : ""}`);
    }
    const started = Date.now(); // not performance.now(): that loads perf_hooks on a CLI's only request

    let response: HttpAnswer;
    try {
      response = await this.sendHttp(request.url, {
        method: request.httpMethod,
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
      });
    } catch (error) {
      throw this.transportError(request.method, error);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      // The status line came, so the request reached the server; only the body was lost.
      throw unusableAnswer(request.method, response.status, `but the connection broke before its body was complete (${this.reason(error)})`);
    }
    debug?.(`answer HTTP ${response.status} in ${Date.now() - started} ms`);

    return readAnswer<Envelope<T>>(response.status, text, {
      method: request.method,
      redact: (t) => this.redact(t),
      ...RESULT_ENVELOPE,
      // A 429 may carry the method's time block: the reset time to wait for.
      onError: async (body) => this.limiter.observe(await this.methodKey(request.method), (body as { time?: OperatingInfo }).time),
    });
  }

  /**
   * Sends bytes to a portal's pre-signed upload link (disk.folder.uploadFile's `uploadUrl`) as one
   * multipart/form-data POST with one file part named `field`. The link carries its own
   * authorisation (no webhook secret, no token) and is a one-time credential, so it never appears
   * in a message; an upload is never sent again. The answer is read like any REST answer.
   */
  async upload<T = unknown>(uploadUrl: string, field: string, name: string, bytes: Uint8Array, method: string, timeoutMs = 600_000): Promise<Envelope<T>> {
    const { randomUUID } = await import("node:crypto");
    const boundary = `----oint${randomUUID().replaceAll("-", "")}`;
    const quoted = (text: string) => text.replace(/["\r\n]/g, (c) => encodeURIComponent(c));
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(field)}"; filename="${quoted(name)}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    const body = Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
    let response: HttpAnswer;
    let text: string;
    try {
      response = await this.sendHttp(uploadUrl, {
        method: "POST",
        headers: { accept: "application/json", "user-agent": USER_AGENT, "content-type": `multipart/form-data; boundary=${boundary}` },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const failure = this.transportError(method, error);
      throw new TransportError(
        failure.code,
        failure.outcomeUnknown
          ? `${method}: sending the file to the portal's upload link failed (${this.reason(error)}); the file may or may not have been stored`
          : failure.message,
        method,
        failure.outcomeUnknown,
      );
    }
    return readAnswer<Envelope<T>>(response.status, text, { method, redact: (t) => this.redact(t), ...RESULT_ENVELOPE });
  }

  /** Masks this connection's secrets (and any webhook path) in a text. */
  redact(text: string): string {
    return redactKnown(text, this.knownSecrets());
  }

  /** The operating budget is counted per method and per webhook/application (§2.2). */
  private async methodKey(method: string): Promise<string> {
    return `${this.endpoint.portal}|${this.caller ?? (await this.callerKey())}|${method.toLowerCase()}`;
  }

  /**
   * Secrets never go into limiter keys (a shared store is readable by others): a hash of the
   * webhook or application stands in. node:crypto loads on the first request, not at start-up.
   */
  private async callerKey(): Promise<string> {
    const { createHash } = await import("node:crypto");
    return (this.caller = createHash("sha256").update(this.identity).digest("hex").slice(0, 16));
  }

  /** The same error with the (redacted) request attached, and a note appended to the message. */
  private withRequest(error: TransportError, request: PreparedRequest, note: string): TransportError {
    const info: RequestInfo = {
      method: request.method,
      httpMethod: request.httpMethod,
      url: this.redact(request.url),
      params: redactValue(request.params),
    };
    return new TransportError(error.code, note ? `${error.message}.${note}` : error.message, error.method, error.outcomeUnknown, info, error.status);
  }

  /** Why a request failed, as Node words it (the cause's message when there is one), secrets masked. */
  private reason(error: unknown): string {
    const err = error as { message?: string; cause?: { message?: string } };
    return this.redact(err?.cause?.message ?? err?.message ?? String(error));
  }

  private transportError(method: string, error: unknown): TransportError {
    const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (err?.name === "TimeoutError" || err?.name === "AbortError") {
      return new TransportError("TIMEOUT", `${method}: no answer from ${this.endpoint.portal} within ${(this.options.timeoutMs ?? 60_000) / 1000} s; the request may or may not have been carried out`, method, true);
    }
    const code = err?.cause?.code ?? "NETWORK_ERROR";
    // http.ts marks a failure before the socket connected; another fetch is judged by the code alone.
    const beforeConnected = (err?.cause as { beforeConnected?: boolean } | undefined)?.beforeConnected === true;
    const reason = this.reason(error).replace(/\s+/g, " ").trim(); // OpenSSL's reasons span lines
    if (TLS_FAILURES.test(code) && (beforeConnected || code !== "EPROTO")) {
      const hint = /wrong.version.number|WRONG_VERSION_NUMBER|packet length too long/i.test(`${code} ${reason}`)
        ? ": the server does not speak https there (a local portal without --https takes an http:// URL)"
        : /CERT|UNABLE_TO|HOSTNAME/.test(code)
          ? ": its certificate is not trusted here (NODE_EXTRA_CA_CERTS=<ca.pem> adds a certificate authority)"
          : "";
      return new TransportError("TLS_FAILED", `${method}: the TLS handshake with ${this.endpoint.portal} failed (${reason})${hint}; nothing was sent`, method, false);
    }
    const notSent = NOT_SENT.has(code) || beforeConnected;
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
