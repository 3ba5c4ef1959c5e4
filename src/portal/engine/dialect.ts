// Dialects: what one API family does its own way, stated once. How parameters are read
// (`fields`/`FIELDS`, `id`/`ID`), how values print (CRM: every scalar a string, "5"), the list
// answer's shape, which errors the family answers with, and how its filters treat blank values.
import { atom } from "../http/dates.js";
import { paged } from "../http/envelope.js";
import { RestError } from "../http/errors.js";
import { kindOf } from "./fields.js";
import type { FilterOptions, Page } from "./query.js";
import type { FieldDef, Row } from "./types.js";

export interface DialectErrors {
  /** A record that does not exist. */
  notFound(id: unknown): RestError;
  /** An id that is missing or not a positive integer. */
  badId(): RestError;
  /** `fields` missing or not an object. */
  badFields(): RestError;
  /** A required field left empty. */
  required(field: string, def: FieldDef): RestError;
  /** The access hook said no. */
  accessDenied(): RestError;
}

export interface Dialect {
  readonly name: string;
  /** A parameter by its documented name. */
  param(params: Record<string, unknown>, name: string): unknown;
  /** A stored value as answers print it (undefined = leave the key out). */
  value(def: FieldDef, value: unknown): unknown;
  /** A row as answers print it, with the given fields in order. */
  render(row: Row, fields: Readonly<Record<string, FieldDef>>, names: readonly string[]): Record<string, unknown>;
  /** The list answer for a page of rendered items. */
  list(items: unknown[], page: Page): unknown;
  /** The select of a list without `select`, and the fields always printed. */
  readonly defaultSelect: readonly string[];
  readonly alwaysSelect: readonly string[];
  readonly filter: FilterOptions;
  readonly errors: DialectErrors;
  /** The `*.fields` answer, where the family prints it otherwise than CRM's metadata (department.fields: titles only). */
  fieldsAnswer?(fields: Readonly<Record<string, FieldDef>>): unknown;
}

/** Parameters by name in any letter case (PHP's array_change_key_case, as crm.* reads them). */
export function anyCase(params: Record<string, unknown>, name: string): unknown {
  if (name in params) return params[name];
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(params)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

const crmError = (description: string) => new RestError("", description, 400);

/**
 * The list parameters CRM's generic REST list (CCrmRestProxyBase, every crm.*.list) checks, in its
 * order: one given but not an array/object is 400 with an empty code (crm-deal-list.md, "Possible
 * Error Codes"). Left out or null is an empty one.
 */
const CRM_LIST_ARRAYS = ["order", "filter"] as const;

/** CRM's parameters: any letter case; reading `order` or `filter` checks both, as a list does. */
function crmParam(params: Record<string, unknown>, name: string): unknown {
  if ((CRM_LIST_ARRAYS as readonly string[]).includes(name)) {
    for (const listName of CRM_LIST_ARRAYS) {
      const value = anyCase(params, listName);
      if (value !== undefined && value !== null && typeof value !== "object") throw crmError(`Parameter '${listName}' must be array.`);
    }
  }
  return anyCase(params, name);
}

/** CRM (crm.lead.*, crm.deal.*, …): values as strings, dates in ATOM, empty code + reason in errors. */
export const crmDialect: Dialect = {
  name: "crm",
  param: crmParam,
  value(def, value) {
    if (def.type === "crm_multifield") {
      if (!Array.isArray(value) || value.length === 0) return undefined;
      return value.map((item: Row) => ({ ID: String(item.ID), VALUE_TYPE: item.VALUE_TYPE ?? "WORK", VALUE: item.VALUE ?? "", TYPE_ID: item.TYPE_ID }));
    }
    if (def.multiple) return Array.isArray(value) ? value.map((v) => crmScalar(def, v)) : [];
    return crmScalar(def, value);
  },
  render(row, fields, names) {
    const out: Record<string, unknown> = {};
    for (const name of names) {
      const value = this.value(fields[name], row[name]);
      if (value !== undefined) out[name] = value;
    }
    return out;
  },
  list: (items, page) => paged(items, page.total, page.next),
  defaultSelect: ["*"],
  alwaysSelect: ["ID"],
  filter: { blankValues: "match-empty" },
  errors: {
    notFound: () => crmError("Not found"),
    badId: () => crmError("ID is not defined or invalid."),
    badFields: () => crmError("Parameter 'fields' must be array."),
    required: (_name, def) => crmError(`The field "${def.title}" is required.`),
    accessDenied: () => crmError("Access denied."),
  },
};

function crmScalar(def: FieldDef, value: unknown): unknown {
  const empty = value === undefined || value === null || value === "";
  if (empty && def.emptyValue !== undefined) return def.emptyValue;
  switch (kindOf(def.type)) {
    case "number":
      if (empty) return null;
      return def.type === "double" && !def.isDynamic ? Number(value).toFixed(2) : String(value);
    case "flag":
      if (empty) return def.type === "boolean" ? "0" : null;
      return def.type === "boolean" ? (value === "Y" ? "1" : "0") : value;
    case "date":
      return empty ? "" : atom(Date.parse(`${String(value).slice(0, 10)}T00:00:00Z`));
    case "datetime":
      return empty ? null : atom(Date.parse(String(value)));
    default:
      return empty ? null : value;
  }
}
