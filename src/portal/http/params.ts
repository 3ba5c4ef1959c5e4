// Reading Bitrix24 parameters. Query strings and forms deliver everything as strings while JSON
// delivers numbers and booleans, so every reader here accepts both ("5" and 5, "Y" and true).

export type Params = Record<string, unknown>;

/** im.* methods upper-case their parameter names first (PHP array_change_key_case), so `dialog_id` works too. */
export function upperKeys(params: Params): Params {
  const out: Params = {};
  for (const [key, value] of Object.entries(params)) out[key.toUpperCase()] = value;
  return out;
}

/** Absent for Bitrix24: missing, null or an empty string. */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

/** A non-negative integer given as a number or a digit string, else null. */
export function toInt(value: unknown): number | null {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) {
    const n = Number(value.trim());
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

/** A Y/N flag; also accepts booleans, 1/0 and "true"/"false". Anything else gives the default. */
export function yesNo(value: unknown, fallback: boolean): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") {
    const v = value.trim().toUpperCase();
    if (v === "Y" || v === "1" || v === "TRUE") return true;
    if (v === "N" || v === "0" || v === "FALSE") return false;
  }
  return fallback;
}

/** A text parameter: strings and numbers as text (trimmed, as Bitrix24 does); anything else is "". */
export function textParam(value: unknown): string {
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return "";
}

/** Bitrix24 cuts message text at 20,000 characters and marks the cut with " (...)". */
export const MAX_MESSAGE_LENGTH = 20_000;

export function limitMessageText(text: string): string {
  if (text.length <= MAX_MESSAGE_LENGTH) return text;
  const chars = Array.from(text); // count code points, not UTF-16 units, as PHP's mb_* does
  return chars.length <= MAX_MESSAGE_LENGTH ? text : `${chars.slice(0, MAX_MESSAGE_LENGTH).join("")} (...)`;
}
