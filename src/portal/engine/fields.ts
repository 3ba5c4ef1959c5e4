// Field types: how a value given to add/update becomes the stored (canonical) value, and how
// stored and filter values compare. Numbers compare as numbers, dates as instants, text without
// regard to letter case (as MySQL's default collation does on Bitrix24), flags as "Y"/"N".
import type { FieldDef, FieldType } from "./types.js";

export type Kind = "number" | "text" | "flag" | "date" | "datetime" | "multifield" | "opaque";

const KINDS: Record<FieldType, Kind> = {
  integer: "number",
  double: "number",
  user: "number",
  crm_company: "number",
  crm_contact: "number",
  crm_category: "number",
  crm_lead: "number",
  crm_quote: "number",
  string: "text",
  crm_status: "text",
  crm_currency: "text",
  enumeration: "text",
  location: "text",
  char: "flag",
  boolean: "flag",
  date: "date",
  datetime: "datetime",
  crm_multifield: "multifield",
  file: "opaque",
  object: "opaque",
};

export const kindOf = (type: FieldType): Kind => KINDS[type];

/** Absent for Bitrix24: missing, null or "". */
export const isEmpty = (value: unknown): boolean => value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);

/** A number from 5, "5", "5.50"; null when it is none. */
export function toNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

/** "Y"/"N" from Y/N, true/false, 1/0; null for anything else. */
export function toFlag(value: unknown): "Y" | "N" | null {
  if (value === true || value === 1) return "Y";
  if (value === false || value === 0) return "N";
  if (typeof value === "string") {
    const v = value.trim().toUpperCase();
    if (v === "Y" || v === "1" || v === "TRUE") return "Y";
    if (v === "N" || v === "0" || v === "FALSE") return "N";
  }
  return null;
}

/** An instant (ms) from ISO 8601 ("2026-01-06", "2026-01-06T14:24:16+03:00") or the site format ("06.01.2026 14:24:16"). */
export function toInstant(value: unknown): number | null {
  if (value instanceof Date) return value.getTime();
  // JavaScript dates end at ±8.64e15 ms: anything beyond (or not a number at all) is unreadable, like other bad input.
  if (typeof value === "number") return Number.isFinite(value) && Math.abs(value) <= 8.64e15 ? value : null;
  if (typeof value !== "string" || value.trim() === "") return null;
  const text = value.trim();
  const site = /^(\d\d)\.(\d\d)\.(\d{4})(?:\s+(\d\d):(\d\d)(?::(\d\d))?)?$/.exec(text);
  if (site) {
    const ms = Date.UTC(+site[3], +site[2] - 1, +site[1], +(site[4] ?? 0), +(site[5] ?? 0), +(site[6] ?? 0));
    return Number.isNaN(ms) ? null : ms;
  }
  if (!/^\d{4}-\d\d-\d\d/.test(text)) return null;
  // A date or a local time without an offset is read in the portal's zone (UTC).
  const withZone = /T.*([+-]\d\d:?\d\d|Z)$/.test(text) ? text : /T/.test(text) ? `${text}Z` : `${text}T00:00:00Z`;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * The canonical stored value for an input, or undefined when the input cannot be one (the field is
 * then left as it was, as Bitrix24 does with values it cannot read). Multi-fields are handled by
 * the store (they need item IDs).
 */
export function coerce(field: FieldDef, value: unknown): unknown {
  if (value === null || value === "") return null;
  if (field.multiple && field.type !== "crm_multifield") {
    const list = Array.isArray(value) ? value : typeof value === "object" ? Object.values(value as object) : [value];
    return list.map((v) => coerceOne(field.type, v)).filter((v) => v !== undefined && v !== null);
  }
  return coerceOne(field.type, value);
}

function coerceOne(type: FieldType, value: unknown): unknown {
  switch (kindOf(type)) {
    case "number": {
      const n = toNumber(value);
      if (n === null) return undefined;
      return type === "double" ? n : Math.trunc(n);
    }
    case "text":
      return typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;
    case "flag":
      return toFlag(value) ?? undefined;
    case "date": {
      const ms = toInstant(value);
      return ms === null ? undefined : new Date(ms).toISOString().slice(0, 10);
    }
    case "datetime": {
      const ms = toInstant(value);
      return ms === null ? undefined : new Date(ms).toISOString();
    }
    default:
      return value;
  }
}

/**
 * A stored value as comparisons see it: numbers, instants, lower-case text, "Y"/"N", or a list of
 * those for multiple fields (multi-fields compare by their VALUEs).
 */
export function comparable(type: FieldType, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => comparable(type, type === "crm_multifield" && v && typeof v === "object" ? (v as { VALUE?: unknown }).VALUE : v));
  if (value === undefined || value === null || value === "") return null;
  switch (kindOf(type)) {
    case "number":
      return toNumber(value);
    case "flag":
      return toFlag(value);
    case "date":
    case "datetime":
      return toInstant(value);
    default:
      return typeof value === "string" ? value.toLowerCase() : typeof value === "number" || typeof value === "boolean" ? String(value).toLowerCase() : null;
  }
}

/** Orders two comparable scalars; empty values first (as SQL sorts NULL ascending). */
export function compareScalars(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** A field declaration: `field("string", "Lead Title", { required: true })`. */
export const field = (type: FieldType, title: string, extra: Partial<FieldDef> = {}): FieldDef => ({ type, title, ...extra });

/** The most common extra: a field clients cannot set. */
export const readOnly = { readOnly: true } as const;
