// Bitrix24's list paging (shared/spec/bitrix24-rest.md §2.4), for any list method over records
// with ascending numeric IDs: 50 per page, `start` as the offset, `next` while more pages remain,
// `total`; `start=-1` skips the count (the answer says `total: 0` and has no `next`, as in the
// docs' sample), which with `order[ID]=ASC` and `filter[>ID]=<last id>` is the fast bulk walk.
// Filters: `ID`/`=ID`, `>ID`, `>=ID`, `<ID`, `<=ID`, `!ID`, `@ID` (list) and the same prefixes on
// other fields (`%FIELD` = contains). An ID-only filter in ID order costs O(page), never O(table).
import { paged, type PagedResult } from "./envelope.js";
import { toInt } from "./params.js";

export const PAGE_SIZE = 50;

/** A sorted run of IDs that can be indexed without being materialised. */
export interface IdRun {
  readonly length: number;
  /** The index-th ID in ascending order. */
  at(index: number): number;
}

export interface ListSource<T> {
  /** The IDs in [lo, hi], ascending. */
  idsBetween(lo: number, hi: number): IdRun;
  get(id: number): T | undefined;
  /** A field's value for filtering and sorting (undefined = no such field). */
  field(record: T, name: string): unknown;
}

type Op = "=" | "!" | ">" | ">=" | "<" | "<=" | "@" | "!@" | "%";

interface Condition {
  field: string;
  op: Op;
  value: unknown;
}

export interface ListRequest {
  start?: unknown;
  order?: unknown;
  filter?: unknown;
}

/** `start` as Bitrix24 reads it: -1 = a page without the count; anything unreadable = 0. */
export function readStart(value: unknown): number {
  if (value === -1 || (typeof value === "string" && value.trim() === "-1")) return -1;
  return toInt(value) ?? 0;
}

/** One page of `source` as a PagedResult of the records `render` makes. */
export function listPage<T>(source: ListSource<T>, request: ListRequest, render: (record: T) => unknown): PagedResult {
  const start = readStart(request.start);
  const noCount = start === -1;
  const offset = noCount ? 0 : start;
  const conditions = parseFilter(request.filter);
  const order = parseOrder(request.order);

  let lo = 1;
  let hi = Number.MAX_SAFE_INTEGER;
  const rest: Condition[] = [];
  for (const c of conditions) {
    const id = c.field === "ID" ? toNumber(c.value) : null;
    if (id === null || !["=", ">", ">=", "<", "<="].includes(c.op)) {
      rest.push(c);
      continue;
    }
    if (c.op === "=" || c.op === ">=") lo = Math.max(lo, Math.ceil(id));
    if (c.op === "=" || c.op === "<=") hi = Math.min(hi, Math.floor(id));
    if (c.op === ">") lo = Math.max(lo, Math.floor(id) + 1);
    if (c.op === "<") hi = Math.min(hi, Math.ceil(id) - 1);
  }
  const run: IdRun = lo > hi ? { length: 0, at: () => 0 } : source.idsBetween(lo, hi);

  if (rest.length === 0 && order.field === "ID") {
    // The fast path: index straight into the run, whatever its size.
    const records: T[] = [];
    for (let i = offset; i < Math.min(run.length, offset + PAGE_SIZE); i++) {
      const record = source.get(run.at(order.desc ? run.length - 1 - i : i));
      if (record !== undefined) records.push(record);
    }
    return pageAnswer(records.map(render), offset, noCount ? 0 : run.length, noCount);
  }
  const { records, total } = scan(source, run, rest, order, offset, noCount);
  return pageAnswer(records.map(render), offset, noCount ? 0 : total, noCount);
}

/** Filters record by record; in ID order only the page is kept, another order sorts every match. */
function scan<T>(source: ListSource<T>, run: IdRun, conditions: Condition[], order: Order, offset: number, noCount: boolean): { records: T[]; total: number } {
  const byId = order.field === "ID";
  const kept: T[] = [];
  let total = 0;
  for (let i = 0; i < run.length; i++) {
    const record = source.get(run.at(byId && order.desc ? run.length - 1 - i : i));
    if (record === undefined || !conditions.every((c) => test(source.field(record, c.field), c))) continue;
    total++;
    if (!byId) kept.push(record);
    else if (total > offset && kept.length < PAGE_SIZE) kept.push(record);
    else if (noCount && kept.length === PAGE_SIZE) break; // no count wanted: stop at a full page
  }
  if (byId) return { records: kept, total };
  const sign = order.desc ? -1 : 1;
  kept.sort((a, b) => sign * compare(source.field(a, order.field), source.field(b, order.field)) || 0);
  return { records: kept.slice(offset, offset + PAGE_SIZE), total };
}

/** `{result, next?, total}`: `next` only while records remain, never without a count. */
export function pageAnswer(items: unknown[], offset: number, total: number, noCount = false): PagedResult {
  const next = !noCount && offset + items.length < total ? offset + PAGE_SIZE : undefined;
  return paged(items, total, next);
}

function parseFilter(filter: unknown): Condition[] {
  if (typeof filter !== "object" || filter === null) return [];
  const out: Condition[] = [];
  for (const [rawKey, value] of Object.entries(filter)) {
    const m = /^(>=|<=|!@|!=|>|<|=|!|@|%)?(.+)$/.exec(rawKey.trim());
    if (!m) continue;
    const op = (m[1] === "!=" ? "!" : (m[1] ?? "=")) as Op;
    out.push({ field: m[2].toUpperCase(), op, value });
  }
  return out;
}

interface Order {
  field: string;
  desc: boolean;
}

function parseOrder(order: unknown): Order {
  if (typeof order === "object" && order !== null) {
    const [first] = Object.entries(order);
    if (first) return { field: first[0].toUpperCase(), desc: String(first[1]).toUpperCase() === "DESC" };
  }
  return { field: "ID", desc: false };
}

function test(actual: unknown, c: Condition): boolean {
  const list = Array.isArray(c.value) ? c.value : typeof c.value === "object" && c.value !== null ? Object.values(c.value) : [c.value];
  switch (c.op) {
    case "=":
    case "@":
      return list.some((v) => same(actual, v));
    case "!":
    case "!@":
      return !list.some((v) => same(actual, v));
    case "%":
      return String(actual ?? "").toLowerCase().includes(String(c.value ?? "").toLowerCase());
    case ">":
      return compare(actual, c.value) > 0;
    case ">=":
      return compare(actual, c.value) >= 0;
    case "<":
      return compare(actual, c.value) < 0;
    case "<=":
      return compare(actual, c.value) <= 0;
  }
}

const same = (a: unknown, b: unknown): boolean => String(a ?? "") === String(b ?? "");

/** Numbers (and numeric strings) by value, everything else as text. */
function compare(a: unknown, b: unknown): number {
  const x = toNumber(a);
  const y = toNumber(b);
  if (x !== null && y !== null) return x - y;
  return String(a ?? "").localeCompare(String(b ?? ""));
}

function toNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return null;
}
