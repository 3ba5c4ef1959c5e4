// The shapes Bitrix24 answers in (see shared/spec/bitrix24-rest.md §1.3-1.4).

/** The `time` block of every classic REST answer. */
export interface Time {
  start: number;
  finish: number;
  duration: number;
  processing: number;
  date_start: string;
  date_finish: string;
  /** Cloud only: when the oldest operating bucket of this method expires (unix seconds). */
  operating_reset_at?: number;
  /** Cloud only: seconds this method has spent for this app/webhook in the last 10 minutes. */
  operating?: number;
}

/** A successful answer, returned unchanged. `total`/`next` come with list methods. */
export interface Envelope<T = unknown> {
  result: T;
  next?: number;
  total?: number;
  time: Time;
}

export interface ErrorEnvelope {
  /** A code such as `ERROR_NOT_FOUND`; the tasks API answers with numbers (`1048582`). */
  error: string | number;
  error_description: string;
}

export function isErrorEnvelope(value: unknown): value is ErrorEnvelope {
  if (!value || typeof value !== "object") return false;
  const error = (value as { error?: unknown }).error;
  return typeof error === "string" || (typeof error === "number" && Number.isFinite(error));
}
