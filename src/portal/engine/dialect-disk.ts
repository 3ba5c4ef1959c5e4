// The Drive's dialect (disk.storage.*, disk.folder.*, disk.file.*, disk.version.*): parameters by
// their documented lower-case names (`id`, `filter`, `order`, `start`; `ID` works too), every stored
// scalar printed as a string (ids, sizes, DELETED_TYPE: "0") and dates in ATOM, lists as
// `{result: [...], total, next}`, errors as the Drive's REST service answers them
// (ERROR_ARGUMENT, ERROR_NOT_FOUND, ACCESS_DENIED), and `*.getfields` as
// `{FIELD: {TYPE, USE_IN_FILTER, USE_IN_SHOW}}` (TYPE "enum" where a field's attributes say restType).
import { atom } from "../http/dates.js";
import { paged } from "../http/envelope.js";
import { badRequest, forbidden, RestError } from "../http/errors.js";
import { anyCase, type Dialect } from "./dialect.js";
import { kindOf } from "./fields.js";
import type { FieldDef, Row } from "./types.js";

const diskErrors = {
  notFound: (id: unknown) => new RestError("ERROR_NOT_FOUND", `Could not find entity with id '${String(id)}'`, 404),
  /** A required parameter left out (Bitrix24's REST binder says which). */
  missing: (name: string) => badRequest("ERROR_ARGUMENT", `Could not find value for parameter {${name}}`),
  badId: () => badRequest("ERROR_ARGUMENT", "Invalid value of parameter {Parameter #0}"),
  badFields: () => badRequest("ERROR_ARGUMENT", "Could not find value for parameter {data}"),
  required: (name: string) => badRequest("ERROR_ARGUMENT", `Could not find value for parameter {${name}}`),
  accessDenied: () => forbidden("ACCESS_DENIED", "Access denied"),
};

export const diskDialect: Dialect & { errors: typeof diskErrors } = {
  name: "disk",
  param: (params, name) => (name in params ? params[name] : anyCase(params, name)),
  value(def: FieldDef, value: unknown) {
    if (value === undefined || value === null || value === "") return def.emptyValue !== undefined ? def.emptyValue : null;
    switch (kindOf(def.type)) {
      case "date":
      case "datetime":
        return atom(Date.parse(String(value)));
      case "number":
      case "text":
      case "flag":
        return String(value);
      default:
        return value;
    }
  },
  render(row: Row, fields, names) {
    const out: Record<string, unknown> = {};
    for (const name of names) out[name] = this.value(fields[name], row[name]);
    return out;
  },
  list: (items, page) => paged(items, page.total, page.next),
  defaultSelect: ["*"],
  alwaysSelect: ["ID"],
  filter: { blankValues: "match-empty" },
  errors: diskErrors,
  fieldsAnswer(fields) {
    const out: Record<string, unknown> = {};
    for (const [name, def] of Object.entries(fields)) {
      if (def.unlisted) continue;
      out[name] = { TYPE: (def.attributes?.restType as string | undefined) ?? def.type, USE_IN_FILTER: def.filterable !== false, USE_IN_SHOW: true };
    }
    return out;
  },
};
