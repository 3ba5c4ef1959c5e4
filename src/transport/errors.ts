// Every error oint raises is an OintError with a stable `code`, so callers can branch on codes
// instead of parsing messages. Small factories build them; nothing else constructs error objects.

export class OintError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The portal answered with Bitrix24's error envelope `{error, error_description}`. */
export class Bitrix24Error extends OintError {
  /** Bitrix24's `error_description`, secrets redacted. */
  readonly description: string;
  /** HTTP status of the answer (Bitrix24 sends errors with 4xx/5xx, and sometimes 200). */
  readonly status: number;
  /** The REST method that was called, e.g. `im.message.add`. */
  readonly method: string;
  /** The error envelope as received (redacted), ready to print; tasks answer with numeric codes (`1048582`). */
  readonly envelope: { error: string | number; error_description: string };
  /** `code` is always text (`"1048582"` for a numeric code); the envelope keeps the code as the portal sent it. */
  constructor(code: string | number, description: string, status: number, method: string) {
    // CRM, calendar and timeman errors come with an empty code: then the description stands alone.
    super(String(code), `${method}: ${[code, description].filter((part) => part !== "" && part !== undefined && part !== null).join(" - ")} (HTTP ${status})`);
    this.description = description;
    this.status = status;
    this.method = method;
    this.envelope = { error: code, error_description: description };
  }
}

/** The caller gave a value oint cannot use; nothing was sent. `parameter` names the culprit. */
export class InputError extends OintError {
  readonly parameter: string | undefined;
  /** What is wrong, without the parameter name (the CLI prefixes its option name). */
  readonly problem: string;
  constructor(problem: string, parameter?: string) {
    super("INPUT", parameter ? `${parameter}: ${problem}` : problem);
    this.parameter = parameter;
    this.problem = problem;
  }
}

/** The request a TransportError is about, secrets masked: enough to check or re-send it by hand. */
export interface RequestInfo {
  method: string;
  httpMethod: "GET" | "POST";
  /** The URL with the webhook secret masked. */
  url: string;
  /** The parameters with tokens masked. */
  params: Record<string, unknown>;
}

/**
 * No usable Bitrix24 answer: either no HTTP answer at all (cannot connect, connection dropped,
 * timeout), or an HTTP answer that is not Bitrix24's (an HTML error page, a PHP notice before the
 * JSON, a cut-off or empty body, JSON with neither `result` nor `error`); `status` tells which.
 */
export class TransportError extends OintError {
  readonly method: string;
  /**
   * True when the request may have been carried out. False only when something proves it was not:
   * the connection was refused or failed before it was made (`CONNECTION_FAILED`: nothing sent), the
   * TLS handshake failed (`TLS_FAILED`: nothing sent, not retried), or the answer was an HTTP refusal
   * (`status` 4xx).
   */
  readonly outcomeUnknown: boolean;
  /**
   * The HTTP status of an answer that was not a Bitrix24 answer; absent when no answer came. A 4xx
   * is a refusal by the web server or a proxy before the method ran (431, 413, a proxy's 400 page):
   * sending the same request again would be refused again, so it is not retried (408 and 429 are).
   */
  readonly status?: number;
  /**
   * The request (redacted). Set when a call that is not safe to replay failed after it may have
   * been carried out: oint did not re-send it, so the caller decides (look it up, or send again).
   */
  readonly request?: RequestInfo;
  constructor(code: string, message: string, method: string, outcomeUnknown: boolean, request?: RequestInfo, status?: number) {
    super(code, message);
    this.method = method;
    this.outcomeUnknown = outcomeUnknown;
    if (status !== undefined) this.status = status;
    if (request) this.request = request;
  }
}

/**
 * An HTTP answer that is not a Bitrix24 answer. `what` describes the body ("with an empty body").
 * Only a 4xx proves the method did not run (the web server or a proxy refused the request before
 * PHP saw it); a 200, 3xx or 5xx may come after it ran (a notice printed before the JSON, a body
 * cut short, a gateway that gave up waiting), so its outcome is unknown.
 */
export function unusableAnswer(method: string, status: number, what: string): TransportError {
  const refused = status >= 400 && status < 500;
  const outcome = refused ? "a refusal: the request was not carried out" : "the request may or may not have been carried out";
  return new TransportError(`HTTP_${status}`, `${method}: the portal answered HTTP ${status} ${what}; ${outcome}`, method, !refused, undefined, status);
}

export const inputError = (problem: string, parameter?: string) => new InputError(problem, parameter);
