// One reading of an HTTP answer for every request oint makes to a portal: REST calls, the OAuth
// token endpoint and the upload to a pre-signed link. The body as JSON; Bitrix24's error envelope
// (`{error, error_description}`, whatever the status) as a Bitrix24Error; the answer a caller
// expects when the status is 2xx; anything else (an HTML page, a PHP notice before the JSON, a body
// cut short, JSON of another shape) as an unusable answer whose outcome the status decides
// (errors.ts unusableAnswer: a 4xx is a refusal, anything else may have been carried out).
import { Bitrix24Error, unusableAnswer } from "./errors.js";
import { isErrorEnvelope, type ErrorEnvelope } from "./envelope.js";

export interface AnswerReading<T> {
  /** The name errors carry (`im.message.add`, `oauth/token`). */
  method: string;
  /** Masks secrets in texts taken from the answer. */
  redact: (text: string) => string;
  /** The answer the caller expects (a `result` envelope, a token set). */
  expected: (body: Record<string, unknown>) => boolean;
  /** What that answer is, for the message about one that is not it. */
  expectedName: string;
  /** Told of an error envelope before it is thrown (the client reads a 429's time block). */
  onError?: (body: ErrorEnvelope & Record<string, unknown>) => void | Promise<void>;
}

/** The body as JSON, or undefined when it is not clean JSON (empty, HTML, a notice before it, cut short). */
export function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

export async function readAnswer<T>(status: number, text: string, reading: AnswerReading<T>): Promise<T> {
  const body = parseJson(text);
  if (isErrorEnvelope(body)) {
    await reading.onError?.(body as ErrorEnvelope & Record<string, unknown>);
    throw new Bitrix24Error(body.error, reading.redact(String(body.error_description ?? "")), status, reading.method);
  }
  const ok = status >= 200 && status <= 299;
  if (ok && body && typeof body === "object" && !Array.isArray(body) && reading.expected(body as Record<string, unknown>)) return body as T;
  const excerpt = reading.redact(text.slice(0, 65_536)).replace(/\s+/g, " ").trim().slice(0, 200);
  const what = !text
    ? "with an empty body"
    : body === undefined
      ? `with a body that is not clean JSON: ${excerpt}`
      : `with JSON that is not ${reading.expectedName}: ${excerpt}`;
  throw unusableAnswer(reading.method, status, what);
}

/** A Bitrix24 REST answer: `result` (with `time`, `total`, `next` when the method gives them). */
export const RESULT_ENVELOPE = { expected: (body: Record<string, unknown>) => "result" in body, expectedName: 'a Bitrix24 answer (no "result" or "error")' };
