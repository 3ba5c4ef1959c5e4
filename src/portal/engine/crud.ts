// The CRUD method builder: from an entity, its dialect, its store and its method names, the
// handlers of add / get / list / update / delete / fields (scopes: registry.ts METHOD_SCOPES). Writes
// are validated from the field metadata (read-only, immutable, required, types, defaults),
// multi-fields (PHONE, EMAIL…) keep their item IDs, derived fields are recomputed, and the access
// hook is asked for every row a method touches.
import type { MethodContext, MethodHandler } from "../http/registry.js";
import { scoped } from "../http/registry.js";
import type { PortalState } from "../data/state.js";
import type { Dialect } from "./dialect.js";
import { coerce, isEmpty, toNumber } from "./fields.js";
import { parseFilter, parseOrder, readStart, resolveSelect, runQuery } from "./query.js";
import { EntityStore } from "./store.js";
import type { AccessAction, EntityDef, FieldDef, Row } from "./types.js";
import { allFields } from "./uf.js";

export interface CrudBinding {
  entity: EntityDef;
  dialect: Dialect;
  /**
   * The OAuth scope of methods outside the families of registry.ts METHOD_SCOPES (which decides for
   * crm.*, task.*, disk.*, …; a method name alone gives the scope there).
   */
  scope?: string;
  /** Where the portal keeps the rows; default: a store of its own per portal. */
  store?: (state: PortalState) => EntityStore;
  /** REST names of the methods to register; leave one out to not serve it. */
  methods: Partial<Record<"add" | "get" | "list" | "update" | "delete" | "fields", string>>;
}

/** The portal's store of an entity, made on first use (registry.ts: how it becomes persistent). */
export function storeFor(state: PortalState, entity: EntityDef): EntityStore {
  return state.stores.storeFor(entity);
}

/** A table of handlers to hand to MethodRegistry.registerAll. */
export function crudMethods(binding: CrudBinding): Record<string, MethodHandler> {
  const { entity, dialect, methods } = binding;
  const storeOf = binding.store ?? ((state: PortalState) => storeFor(state, entity));
  const errors = dialect.errors;
  const fieldsOf = (ctx: MethodContext) => allFields(ctx.state, entity);

  const allow = (ctx: MethodContext, action: AccessAction, row?: Row) => {
    if (entity.access && !entity.access(ctx, action, row)) throw errors.accessDenied();
  };
  const idParam = (ctx: MethodContext): number => {
    const id = toNumber(dialect.param(ctx.params, "id"));
    if (id === null || id <= 0 || !Number.isInteger(id)) throw errors.badId();
    return id;
  };
  const existing = (ctx: MethodContext, id: number, action: AccessAction): Row => {
    const row = storeOf(ctx.state).get(id);
    if (!row) throw errors.notFound(id);
    allow(ctx, action, row);
    return row;
  };
  const fieldsParam = (ctx: MethodContext): Record<string, unknown> => {
    const given = dialect.param(ctx.params, "fields");
    if (typeof given !== "object" || given === null || Array.isArray(given)) throw errors.badFields();
    return given as Record<string, unknown>;
  };

  const table: Record<string, MethodHandler> = {};
  const add = (name: string | undefined, handler: (ctx: MethodContext) => unknown) => {
    if (name) table[name] = binding.scope ? scoped(binding.scope, handler) : handler;
  };

  add(methods.add, (ctx) => {
    const fields = fieldsOf(ctx);
    const store = storeOf(ctx.state);
    const row = applyFields({}, fieldsParam(ctx), fields, store, "add");
    for (const [name, def] of Object.entries(fields)) {
      if (row[name] !== undefined || def.default === undefined) continue;
      row[name] = def.default === "caller" ? ctx.userId : def.default === "now" ? ctx.state.now().toISOString() : structuredClone(def.default.value);
    }
    for (const [name, def] of Object.entries(fields)) {
      if (def.required && isEmpty(row[name])) throw errors.required(name, def);
    }
    finish(entity, fields, row, ctx, "add");
    allow(ctx, "add", row);
    return store.insert(row);
  });

  add(methods.get, (ctx) => {
    const row = existing(ctx, idParam(ctx), "read");
    const fields = fieldsOf(ctx);
    return dialect.render(row, fields, printOrder(entity, fields));
  });

  add(methods.list, (ctx) => {
    const fields = fieldsOf(ctx);
    const queryFields = { fields, filterOnly: entity.filterOnly };
    const page = runQuery(storeOf(ctx.state), queryFields, {
      filter: parseFilter(dialect.param(ctx.params, "filter"), queryFields, dialect.filter),
      order: parseOrder(dialect.param(ctx.params, "order"), queryFields),
      start: readStart(dialect.param(ctx.params, "start")),
      visible: entity.access ? (row) => entity.access!(ctx, "read", row) : undefined,
    });
    const selected = new Set(resolveSelect(dialect.param(ctx.params, "select"), fields, dialect.defaultSelect, dialect.alwaysSelect));
    const names = printOrder(entity, fields).filter((name) => selected.has(name));
    return dialect.list(page.rows.map((row) => dialect.render(row, fields, names)), page);
  });

  add(methods.update, (ctx) => {
    const id = idParam(ctx);
    const before = existing(ctx, id, "update");
    const fields = fieldsOf(ctx);
    const store = storeOf(ctx.state);
    const row = applyFields(structuredClone(before), fieldsParam(ctx), fields, store, "update");
    for (const [name, def] of Object.entries(fields)) {
      if (def.required && isEmpty(row[name])) throw errors.required(name, def);
    }
    finish(entity, fields, row, ctx, "update", before);
    store.replace(id, row);
    return true;
  });

  add(methods.delete, (ctx) => {
    const id = idParam(ctx);
    const row = existing(ctx, id, "delete");
    entity.onDelete?.(row, ctx);
    storeOf(ctx.state).delete(id);
    return true;
  });

  add(methods.fields, (ctx) => (dialect.fieldsAnswer ?? fieldsAnswer)(fieldsOf(ctx)));
  return table;
}

/** The `*.fields` answer: each field's metadata in Bitrix24's key order. */
export function fieldsAnswer(fields: Readonly<Record<string, FieldDef>>): Record<string, unknown> {
  const AFTER_TITLE = new Set(["settings", "listLabel", "formLabel", "filterLabel"]);
  const out: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(fields)) {
    if (def.unlisted) continue;
    const attributes = Object.entries(def.attributes ?? {});
    out[name] = {
      type: def.type,
      isRequired: def.required ?? false,
      isReadOnly: (def.readOnly ?? false) || def.derive !== undefined,
      isImmutable: def.immutable ?? false,
      isMultiple: def.multiple ?? false,
      isDynamic: def.isDynamic ?? false,
      ...Object.fromEntries(attributes.filter(([key]) => !AFTER_TITLE.has(key))),
      title: def.title,
      ...Object.fromEntries(attributes.filter(([key]) => AFTER_TITLE.has(key))),
    };
  }
  return out;
}

/** The fields a row prints, in order: the entity's printOrder (else its field order), then its user fields. */
export function printOrder(entity: EntityDef, fields: Readonly<Record<string, FieldDef>>): string[] {
  if (!entity.printOrder) return Object.keys(fields);
  return [...entity.printOrder.filter((name) => name in fields), ...Object.keys(fields).filter((name) => fields[name].isDynamic)];
}

/** Writes the given fields into `row`: unknown, read-only and derived fields are ignored, immutable ones on update. */
function applyFields(row: Row, given: Record<string, unknown>, fields: Readonly<Record<string, FieldDef>>, store: EntityStore, action: "add" | "update"): Row {
  for (const [rawName, value] of Object.entries(given)) {
    const name = rawName.toUpperCase();
    const def = fields[name];
    if (!def || def.readOnly || def.derive || name === "ID" || (action === "update" && def.immutable)) continue;
    if (def.type === "crm_multifield") {
      row[name] = mergeMultifield(Array.isArray(row[name]) ? (row[name] as Row[]) : [], value, name, store);
      continue;
    }
    const coerced = coerce(def, value);
    if (coerced === undefined) continue;
    if (coerced === null) delete row[name];
    else row[name] = coerced;
  }
  return row;
}

/**
 * Multi-field items (`[{VALUE, VALUE_TYPE}]`, or one value as text): new items get an ID; an item
 * with the ID of an existing one changes it, or removes it with an empty VALUE or DELETE=Y.
 */
function mergeMultifield(current: Row[], value: unknown, typeId: string, store: EntityStore): Row[] {
  const items = Array.isArray(value) ? value : value && typeof value === "object" ? Object.values(value) : isEmpty(value) ? [] : [{ VALUE: value }];
  const out = current.map((item) => ({ ...item }));
  for (const raw of items) {
    const item: Row = raw && typeof raw === "object" ? (raw as Row) : { VALUE: raw };
    const text = item.VALUE === undefined || item.VALUE === null ? "" : String(item.VALUE).trim();
    const id = toNumber(item.ID);
    const known = id === null ? -1 : out.findIndex((o) => o.ID === id);
    const remove = text === "" || String(item.DELETE ?? "").toUpperCase() === "Y";
    if (known >= 0) {
      if (remove) out.splice(known, 1);
      else out[known] = { ...out[known], VALUE: text, VALUE_TYPE: item.VALUE_TYPE ? String(item.VALUE_TYPE) : out[known].VALUE_TYPE };
    } else if (!remove) {
      out.push({ ID: store.next("MULTIFIELD"), VALUE_TYPE: item.VALUE_TYPE ? String(item.VALUE_TYPE) : "WORK", VALUE: text, TYPE_ID: typeId });
    }
  }
  return out;
}

function finish(entity: EntityDef, fields: Readonly<Record<string, FieldDef>>, row: Row, ctx: MethodContext, action: "add" | "update", before?: Row): void {
  entity.onWrite?.(row, ctx, action, before);
  for (const [name, def] of Object.entries(fields)) if (def.derive) row[name] = def.derive(row);
  entity.validate?.(row, ctx, action);
}
