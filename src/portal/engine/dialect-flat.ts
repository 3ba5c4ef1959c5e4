// The "flat" dialect of the older intranet methods (department.*): fields are top-level parameters
// in upper case (NAME, PARENT…), the id is ID, a list's filter is the top-level parameters naming
// fields, its order is `sort` + `order` (lower case, so `SORT` stays a field), paging is START;
// answers print IDs as text and the fields named in `numbers` as numbers, and leave empty fields out.
import { paged } from "../http/envelope.js";
import { anyCase, type Dialect, type DialectErrors } from "./dialect.js";
import type { FieldDef } from "./types.js";

export interface FlatDialectOptions {
  name: string;
  /** Fields printed as numbers (department.get's SORT); every other value prints as text. */
  numbers?: readonly string[];
  errors: DialectErrors;
}

/** Parameters that steer a list rather than name a field (case-sensitive: SORT is a field, sort is not). */
const STEERING = new Set(["sort", "order", "start", "START", "select", "SELECT"]);

export function flatDialect(options: FlatDialectOptions): Dialect {
  const numbers = new Set(options.numbers ?? []);
  const fieldParams = (params: Record<string, unknown>) => Object.fromEntries(Object.entries(params).filter(([key]) => !STEERING.has(key)));
  return {
    name: options.name,
    param(params, name) {
      switch (name) {
        case "fields":
        case "filter":
          return fieldParams(params);
        case "order": {
          if (params.order && typeof params.order === "object") return params.order;
          const sort = params.sort;
          return typeof sort === "string" && sort !== "" ? { [sort]: typeof params.order === "string" ? params.order : "ASC" } : undefined;
        }
        case "start":
          return params.START ?? params.start;
        case "select":
          return undefined;
        default:
          return anyCase(params, name);
      }
    },
    value(_def: FieldDef, value) {
      return value === undefined || value === null || value === "" ? undefined : value;
    },
    render(row, fields, names) {
      const out: Record<string, unknown> = {};
      for (const name of names) {
        const value = this.value(fields[name], row[name]);
        if (value === undefined) continue;
        out[name] = numbers.has(name) ? Number(value) : Array.isArray(value) ? value.map(String) : String(value);
      }
      return out;
    },
    list: (items, page) => paged(items, page.total, page.next),
    defaultSelect: ["*"],
    alwaysSelect: ["ID"],
    filter: { blankValues: "ignore" },
    errors: options.errors,
    fieldsAnswer: (fields) => Object.fromEntries(Object.entries(fields).filter(([, def]) => !def.unlisted).map(([name, def]) => [name, def.title])),
  };
}
