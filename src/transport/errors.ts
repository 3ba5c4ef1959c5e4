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
  /** The error envelope as received (redacted), ready to print. */
  readonly envelope: { error: string; error_description: string };
  constructor(code: string, description: string, status: number, method: string) {
    super(code, `${method}: ${code}${description ? ` - ${description}` : ""} (HTTP ${status})`);
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

/** No usable answer came back (network failure, timeout, non-JSON body). */
export class TransportError extends OintError {
  readonly method: string;
  /** True when the request may have reached the portal: the outcome of a write is unknown. */
  readonly outcomeUnknown: boolean;
  /**
   * The request (redacted). Set when a call that is not safe to replay failed after it may have
   * been carried out: oint did not re-send it, so the caller decides (look it up, or send again).
   */
  readonly request?: RequestInfo;
  constructor(code: string, message: string, method: string, outcomeUnknown: boolean, request?: RequestInfo) {
    super(code, message);
    this.method = method;
    this.outcomeUnknown = outcomeUnknown;
    if (request) this.request = request;
  }
}

export const inputError = (problem: string, parameter?: string) => new InputError(problem, parameter);
