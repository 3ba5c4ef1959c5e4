// Lists of any length as async iterators (bitrix24-rest.md §2.4). Only one page (or one batch of
// pages) is held at a time, so memory stays flat however long the list is.
// - "offset": `start` = 0, 50, … as the portal's `next` says; works with every list method.
// - "keyset": order by ID ascending, filter `>ID` above the last one seen, `start=-1` (the portal
//   skips counting the total: far faster on big tables); stops at a page shorter than 50.
// - "batched-keyset": the same chained inside `batch`, each page's filter referring to the last ID of
//   the page before (`$result[p0][49][ID]`): up to 50 pages per HTTP request. One counted first page
//   tells how many pages are left, so at most one command is sent past them.
// Where a family's list answer differs (items under a key: `result.tasks`; a camelCase `id` in the
// items while the filter and order still say `ID`), LIST_QUIRKS says so per method, as data; an
// undeclared method whose `result` is an object holding one array is read from that array, and the ID
// is found in the items whatever its case.
import type { Bitrix24Client } from "./client.js";
import { InputError } from "./errors.js";

export type ListMode = "offset" | "keyset" | "batched-keyset";

export interface ListOptions {
  /** Default "offset" (any list method); "keyset"/"batched-keyset" need a method that filters and orders by ID. */
  mode?: ListMode;
  /** The item's ID field for keyset paging (default "ID", or the method's in LIST_QUIRKS; e.g. "id" for crm.item.list). */
  idField?: string;
  /** The field the keyset orders and filters by (`>ID`), when the items spell it otherwise (tasks.task.list: "ID", items carry `id`). Default: idField. */
  filterField?: string;
  /** Where the items are in `result` when it is not the array itself (e.g. "items" for crm.item.list). Default: the method's in
   * LIST_QUIRKS, else the one array of a `result` object that holds exactly one. */
  itemsKey?: string;
  /** Pages per batch request in "batched-keyset" mode (1-50, default 50). */
  pagesPerRequest?: number;
}

export interface ListIterable<T> extends AsyncIterable<T> {
  /** The same list a page (an array of up to 50 items) at a time. */
  pages(): AsyncIterable<T[]>;
}

/** Bitrix24's list page size ("always static: 50 records"). */
export const PAGE_SIZE = 50;

/** How one list method's answer differs from `result: [{ ID, … }, …]`. */
export interface ListQuirk {
  /** The key of `result` that holds the items. */
  itemsKey?: string;
  /** The items' ID field. */
  idField?: string;
  /** The field named in `order`, `filter` (`>ID`) and `select`, when it differs from idField. */
  filterField?: string;
}

/**
 * List methods whose answers put the items under a key or spell their ID otherwise, as Bitrix24's
 * reference documents them (by lower-case method name). ListOptions override any of it.
 */
export const LIST_QUIRKS: Readonly<Record<string, ListQuirk>> = {
  "tasks.task.list": { itemsKey: "tasks", idField: "id", filterField: "ID" }, // result.tasks[].id, filter >ID, order ID
  "crm.item.list": { itemsKey: "items", idField: "id" }, // smart processes: result.items[].id, filter >id
  "crm.type.list": { itemsKey: "types", idField: "id" },
  "crm.stagehistory.list": { itemsKey: "items", idField: "ID" },
  "catalog.product.list": { itemsKey: "products", idField: "id" },
  "sale.order.list": { itemsKey: "orders", idField: "id" },
};

/** A method's list shape: options first, then LIST_QUIRKS, then Bitrix24's usual `ID`. */
interface Shape {
  itemsKey: string | undefined;
  idField: string;
  filterField: string;
}

function shapeOf(method: string, options: ListOptions): Shape {
  const quirk = LIST_QUIRKS[method.toLowerCase()] ?? {};
  const idField = options.idField ?? quirk.idField ?? "ID";
  return { itemsKey: options.itemsKey ?? quirk.itemsKey, idField, filterField: options.filterField ?? quirk.filterField ?? idField };
}

export function listItems<T>(client: Bitrix24Client, method: string, params: Record<string, unknown>, options: ListOptions): ListIterable<T> {
  const pages = (): AsyncIterable<T[]> => {
    const mode = options.mode ?? "offset";
    const shape = shapeOf(method, options);
    if (mode === "offset") return offsetPages<T>(client, method, params, shape);
    if (mode === "keyset" || mode === "batched-keyset") checkKeysetOrder(params, shape, mode);
    if (mode === "keyset") return keysetPages<T>(client, method, params, shape);
    if (mode === "batched-keyset") return batchedKeysetPages<T>(client, method, params, shape, options);
    throw new InputError(`unknown paging mode "${String(mode)}" (offset, keyset or batched-keyset)`, "mode");
  };
  return {
    pages,
    async *[Symbol.asyncIterator]() {
      for await (const page of pages()) yield* page;
    },
  };
}

async function* offsetPages<T>(client: Bitrix24Client, method: string, params: Record<string, unknown>, shape: Shape): AsyncGenerator<T[]> {
  let start: unknown = params.start ?? 0;
  for (;;) {
    const envelope = await client.call(method, { ...params, start }, { replay: "safe" });
    yield itemsOf<T>(envelope.result, shape, method).items;
    if (typeof envelope.next !== "number") return;
    start = envelope.next;
  }
}

async function* keysetPages<T>(client: Bitrix24Client, method: string, params: Record<string, unknown>, shape: Shape): AsyncGenerator<T[]> {
  let lastId: number | string | undefined;
  for (;;) {
    const envelope: { result?: unknown } = await client.call(method, keysetParams(params, shape, lastId), { replay: "safe" });
    const page: T[] = itemsOf<T>(envelope.result, shape, method).items;
    if (page.length > 0) yield page;
    if (page.length < PAGE_SIZE) return;
    lastId = idOf(page[page.length - 1], shape, method).id;
  }
}

async function* batchedKeysetPages<T>(client: Bitrix24Client, method: string, params: Record<string, unknown>, shape: Shape, options: ListOptions): AsyncGenerator<T[]> {
  const perRequest = Math.max(1, Math.min(50, Math.floor(options.pagesPerRequest ?? 50)));
  // The first page is counted (start=0), so we know how many pages to chain. It also shows where the
  // items are and how their ID is spelt, which the chained references must name exactly.
  const first = await client.call(method, { ...keysetParams(params, shape, undefined), start: 0 }, { replay: "safe" });
  const read = itemsOf<T>(first.result, shape, method);
  const pageShape = { ...shape, itemsKey: read.key };
  let page = read.items;
  if (page.length > 0) yield page;
  // When the count ends on a full page, one page more is chained with the counted ones: only an
  // empty page shows the end (or what was added meanwhile), and this way it costs no request of its own.
  const remaining = typeof first.total === "number" ? Math.max(0, first.total - page.length) : undefined;
  let pagesLeft = remaining === undefined ? 1 : Math.ceil(remaining / PAGE_SIZE) + (remaining % PAGE_SIZE === 0 ? 1 : 0);
  while (page.length >= PAGE_SIZE) {
    const last = idOf(page[page.length - 1], shape, method);
    // Items may have been added meanwhile: after the counted pages, go on one page at a time.
    const count = Math.max(1, Math.min(perRequest, pagesLeft));
    const calls = Array.from({ length: count }, (_, i) => ({
      key: `p${i}`,
      method,
      params: keysetParams(params, shape, i === 0 ? last.id : reference(i - 1, pageShape.itemsKey, last.key)),
      replay: "safe" as const,
    }));
    const outcomes = await client.batch(calls, { halt: true, replay: "safe" });
    pagesLeft -= count;
    for (const outcome of outcomes) {
      if (!outcome.ok) throw outcome.error;
      page = itemsOf<T>(outcome.result, pageShape, method).items;
      if (page.length > 0) yield page;
      // A short page is the end; later commands referred to an ID that does not exist.
      if (page.length < PAGE_SIZE) return;
    }
  }
}

/** The last item's ID of the page command `p<index>` returned, as a batch reference (`$result[p0][tasks][49][id]`). */
function reference(index: number, itemsKey: string | undefined, idKey: string): string {
  const items = itemsKey !== undefined ? `[${itemsKey}]` : "";
  return `$result[p${index}]${items}[${PAGE_SIZE - 1}][${idKey}]`;
}

/** `filter`, `order`, `select` as the caller spelt them (`FILTER` …), or in lower case. */
function paramKey(params: Record<string, unknown>, name: string): string {
  return name.toUpperCase() in params && !(name in params) ? name.toUpperCase() : name;
}

/**
 * Keyset paging walks by ID ascending: a caller's order by anything else cannot be kept, and would
 * silently come back in ID order. Refused before anything is sent.
 */
function checkKeysetOrder(params: Record<string, unknown>, shape: Shape, mode: ListMode): void {
  const order = params[paramKey(params, "order")];
  if (order === undefined || order === null || (typeof order === "object" && Object.keys(order).length === 0)) return;
  const entries = typeof order === "object" && !Array.isArray(order) ? Object.entries(order) : [];
  const byIdAscending = entries.length === 1 && entries[0]![0].toUpperCase() === shape.filterField.toUpperCase() && String(entries[0]![1]).toUpperCase() === "ASC";
  if (!byIdAscending) {
    throw new InputError(`${mode} paging walks the list by ${shape.filterField} ascending, so order ${JSON.stringify(order)} cannot be kept: leave order out, or use mode "offset"`, "order");
  }
}

/**
 * The caller's parameters with order by ID ascending, the ID selected and no totals, and its filter
 * kept: `>ID` above `after`, the last ID seen (on the first page the caller's own `>ID`, if any).
 */
function keysetParams(params: Record<string, unknown>, shape: Shape, after: number | string | undefined): Record<string, unknown> {
  const [filterKey, orderKey, selectKey] = [paramKey(params, "filter"), paramKey(params, "order"), paramKey(params, "select")];
  const field = shape.filterField;
  const given = (params[filterKey] as Record<string, unknown> | undefined) ?? {};
  const bound = `>${field}`;
  // Later pages are above an ID the caller's filter already let through, so `>last` is the stricter bound.
  const ownBound = Object.keys(given).some((name) => name.toUpperCase() === bound.toUpperCase());
  const filter = after === undefined && ownBound ? { ...given } : { ...given, [bound]: after ?? 0 };
  const out: Record<string, unknown> = { ...params, [orderKey]: { [field]: "ASC" }, [filterKey]: filter, start: -1 };
  // A select that leaves the ID out would leave the keyset nothing to go on.
  const select = params[selectKey];
  if (Array.isArray(select) && select.length > 0 && !select.some((name) => name === "*" || String(name).toUpperCase() === field.toUpperCase())) {
    out[selectKey] = [...select, field];
  }
  return out;
}

/** The page's items and the key of `result` they were under. */
function itemsOf<T>(result: unknown, shape: Shape, method: string): { items: T[]; key: string | undefined } {
  let key = shape.itemsKey;
  if (key === undefined && result && typeof result === "object" && !Array.isArray(result)) {
    // `{ tasks: [...] }`: an object holding one array is a list under a key (a PHP keyed list holds objects).
    const entries = Object.entries(result);
    if (entries.length === 1 && Array.isArray(entries[0][1])) key = entries[0][0];
  }
  const list = key !== undefined ? (result as Record<string, unknown> | null)?.[key] : result;
  if (Array.isArray(list)) return { items: list as T[], key };
  // PHP answers an empty list as [] but a keyed one as an object: take its values in order.
  if (list && typeof list === "object") return { items: Object.values(list) as T[], key };
  if (list === undefined || list === null) return { items: [], key };
  throw new InputError(`${method} did not answer a list${key !== undefined ? ` under "${key}"` : ""}`, "method");
}

/** The item's ID and the key it is under (`ID`, `id`: the items may spell it in either case). */
function idOf(item: unknown, shape: Shape, method: string): { id: number | string; key: string } {
  const record = (item ?? {}) as Record<string, unknown>;
  const wanted = [shape.idField, shape.filterField].map((name) => name.toLowerCase());
  const key =
    [shape.idField, shape.filterField].find((name) => name in record) ?? Object.keys(record).find((name) => wanted.includes(name.toLowerCase()));
  const id = key !== undefined ? record[key] : undefined;
  if (key === undefined || id === undefined || id === null || id === "" || Number.isNaN(Number(id))) {
    throw new InputError(`${method}: keyset paging needs a numeric "${shape.idField}" in every item (set idField, or use mode "offset")`, "idField");
  }
  return { id: id as number | string, key };
}
