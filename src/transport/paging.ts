// Lists of any length as async iterators (bitrix24-rest.md §2.4). Only one page (or one batch of
// pages) is held at a time, so memory stays flat however long the list is.
// - "offset": `start` = 0, 50, … as the portal's `next` says; works with every list method.
// - "keyset": order by ID ascending, filter `>ID` above the last one seen, `start=-1` (the portal
//   skips counting the total: far faster on big tables); stops at a page shorter than 50.
// - "batched-keyset": the same chained inside `batch`, each page's filter referring to the last ID of
//   the page before (`$result[c0][49][ID]`): up to 50 pages per HTTP request. One counted first page
//   tells how many pages are left, so no command is sent for pages that cannot exist.
import type { Bitrix24Client } from "./client.js";
import { InputError } from "./errors.js";

export type ListMode = "offset" | "keyset" | "batched-keyset";

export interface ListOptions {
  /** Default "offset" (any list method); "keyset"/"batched-keyset" need a method that filters and orders by ID. */
  mode?: ListMode;
  /** The item's ID field for keyset paging (default "ID"; e.g. "id" for crm.item.list). */
  idField?: string;
  /** Where the items are in `result` when it is not the array itself (e.g. "items" for crm.item.list). */
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

export function listItems<T>(client: Bitrix24Client, method: string, params: Record<string, unknown>, options: ListOptions): ListIterable<T> {
  const pages = (): AsyncIterable<T[]> => {
    const mode = options.mode ?? "offset";
    if (mode === "offset") return offsetPages<T>(client, method, params, options);
    if (mode === "keyset") return keysetPages<T>(client, method, params, options);
    if (mode === "batched-keyset") return batchedKeysetPages<T>(client, method, params, options);
    throw new InputError(`unknown paging mode "${String(mode)}" (offset, keyset or batched-keyset)`, "mode");
  };
  return {
    pages,
    async *[Symbol.asyncIterator]() {
      for await (const page of pages()) yield* page;
    },
  };
}

async function* offsetPages<T>(client: Bitrix24Client, method: string, params: Record<string, unknown>, options: ListOptions): AsyncGenerator<T[]> {
  let start: unknown = params.start ?? 0;
  for (;;) {
    const envelope = await client.call(method, { ...params, start }, { replay: "safe" });
    yield itemsOf<T>(envelope.result, options, method);
    if (typeof envelope.next !== "number") return;
    start = envelope.next;
  }
}

async function* keysetPages<T>(client: Bitrix24Client, method: string, params: Record<string, unknown>, options: ListOptions): AsyncGenerator<T[]> {
  const idField = options.idField ?? "ID";
  let lastId: number | string = 0;
  for (;;) {
    const envelope = await client.call(method, keysetParams(params, idField, lastId), { replay: "safe" });
    const page = itemsOf<T>(envelope.result, options, method);
    if (page.length > 0) yield page;
    if (page.length < PAGE_SIZE) return;
    lastId = idOf(page[page.length - 1], idField, method);
  }
}

async function* batchedKeysetPages<T>(client: Bitrix24Client, method: string, params: Record<string, unknown>, options: ListOptions): AsyncGenerator<T[]> {
  const idField = options.idField ?? "ID";
  const perRequest = Math.max(1, Math.min(50, Math.floor(options.pagesPerRequest ?? 50)));
  // The first page is counted (start=0), so we know how many pages to chain.
  const first = await client.call(method, { ...keysetParams(params, idField, 0), start: 0 }, { replay: "safe" });
  let page = itemsOf<T>(first.result, options, method);
  if (page.length > 0) yield page;
  let pagesLeft = typeof first.total === "number" ? Math.ceil(Math.max(0, first.total - page.length) / PAGE_SIZE) : 1;
  while (page.length >= PAGE_SIZE) {
    const lastId = idOf(page[page.length - 1], idField, method);
    // Items may have been added meanwhile: after the counted pages, go on one page at a time.
    const count = Math.max(1, Math.min(perRequest, pagesLeft));
    const calls = Array.from({ length: count }, (_, i) => ({
      key: `p${i}`,
      method,
      params: keysetParams(params, idField, i === 0 ? lastId : reference(i - 1, options, idField)),
      replay: "safe" as const,
    }));
    const outcomes = await client.batch(calls, { halt: true, replay: "safe" });
    pagesLeft -= count;
    for (const outcome of outcomes) {
      if (!outcome.ok) throw outcome.error;
      page = itemsOf<T>(outcome.result, options, method);
      if (page.length > 0) yield page;
      // A short page is the end; later commands referred to an ID that does not exist.
      if (page.length < PAGE_SIZE) return;
    }
  }
}

/** The last item's ID of the page command `p<index>` returned, as a batch reference. */
function reference(index: number, options: ListOptions, idField: string): string {
  const items = options.itemsKey ? `[${options.itemsKey}]` : "";
  return `$result[p${index}]${items}[${PAGE_SIZE - 1}][${idField}]`;
}

/** The caller's parameters with order by ID ascending, `>ID` above `after`, and no totals. */
function keysetParams(params: Record<string, unknown>, idField: string, after: number | string): Record<string, unknown> {
  const filterKey = "FILTER" in params && !("filter" in params) ? "FILTER" : "filter";
  const orderKey = "ORDER" in params && !("order" in params) ? "ORDER" : "order";
  const filter = { ...((params[filterKey] as Record<string, unknown> | undefined) ?? {}), [`>${idField}`]: after };
  return { ...params, [orderKey]: { [idField]: "ASC" }, [filterKey]: filter, start: -1 };
}

function itemsOf<T>(result: unknown, options: ListOptions, method: string): T[] {
  const list = options.itemsKey ? (result as Record<string, unknown> | null)?.[options.itemsKey] : result;
  if (Array.isArray(list)) return list as T[];
  // PHP answers an empty list as [] but a keyed one as an object: take its values in order.
  if (list && typeof list === "object") return Object.values(list) as T[];
  if (list === undefined || list === null) return [];
  throw new InputError(`${method} did not answer a list${options.itemsKey ? ` under "${options.itemsKey}"` : ""}`, "method");
}

function idOf(item: unknown, idField: string, method: string): number | string {
  const record = item as Record<string, unknown> | null;
  const id = record?.[idField] ?? record?.[idField.toLowerCase()] ?? record?.[idField.toUpperCase()];
  if (id === undefined || id === null || id === "" || Number.isNaN(Number(id))) {
    throw new InputError(`${method}: keyset paging needs a numeric "${idField}" in every item (set idField, or use mode "offset")`, "idField");
  }
  return id as number | string;
}
