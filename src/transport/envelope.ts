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
  error: string;
  error_description: string;
}

export function isErrorEnvelope(value: unknown): value is ErrorEnvelope {
  return !!value && typeof value === "object" && typeof (value as { error?: unknown }).error === "string";
}
