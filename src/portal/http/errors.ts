// Bitrix24 REST errors as the portal sends them: `{"error": CODE, "error_description": TEXT}` with
// an HTTP status. Handlers throw RestError; the server turns it into the error envelope. Codes,
// texts and statuses follow the Bitrix24 docs (see shared/spec/bitrix24-rest.md §1.5 and §4).

export interface ErrorEnvelope {
  error: string;
  error_description: string;
}

export class RestError extends Error {
  readonly code: string;
  readonly description: string;
  readonly status: number;

  constructor(code: string, description: string, status = 400) {
    super(`${code}: ${description}`);
    this.name = "RestError";
    this.code = code;
    this.description = description;
    this.status = status;
  }

  envelope(): ErrorEnvelope {
    return { error: this.code, error_description: this.description };
  }
}

/** Method-level validation errors: Bitrix24 answers them with 400. */
export const badRequest = (code: string, description: string): RestError => new RestError(code, description, 400);

/** Method-level permission errors (`ACCESS_ERROR`, `WRONG_AUTH_TYPE`): 403. */
export const forbidden = (code: string, description: string): RestError => new RestError(code, description, 403);

// --- System errors raised by the server itself, before or around a method. ---

export const invalidCredentials = (): RestError =>
  new RestError("INVALID_CREDENTIALS", "Invalid request credentials", 401);

export const noAuthFound = (): RestError => new RestError("NO_AUTH_FOUND", "Wrong authorization data", 401);

// OAuth-style codes are lower case in Bitrix24 itself.
export const invalidToken = (): RestError =>
  new RestError("invalid_token", "The access token provided is invalid", 401);

export const expiredToken = (): RestError =>
  new RestError("expired_token", "The access token provided has expired", 401);

/** The caller's app or webhook was not granted the method's scope (bitrix24-rest.md §1.5, §7). */
export const insufficientScope = (): RestError =>
  new RestError("insufficient_scope", "The request requires higher privileges than provided by the webhook token", 403);

export const methodNotFound = (): RestError => new RestError("ERROR_METHOD_NOT_FOUND", "Method not found!", 404);

/**
 * A request the server cannot read (malformed JSON, unsupported body). Bitrix24 documents
 * INVALID_REQUEST (400) for requests it refuses before running a method, so we reuse that code.
 */
export const invalidRequest = (description: string): RestError => new RestError("INVALID_REQUEST", description, 400);

export const internalError = (): RestError => new RestError("INTERNAL_SERVER_ERROR", "Internal server error", 500);
