// The one query engine every list method uses: Bitrix24's filter (all prefixes and LOGIC
// sub-filters), multi-key order, select with `*` and `UF_*`, and paging (50 a page, `start`,
// `next`, `total`, `start=-1` without a count). Conditions on ID narrow the ID index first, so
// the keyset walk (`order[ID]=ASC`, `filter[>ID]=last`, `start=-1`) costs O(page) whatever the
// table's size; a plain `=` on a numeric field the store indexes (EntityDef.indexes) narrows the
// scan to that value's rows; other conditions scan the narrowed run.
import { comparable, compareScalars, isEmpty, kindOf, toNumber } from "./fields.js";
import { lowerBound, type IdRun, type RowSource } from "./store.js";
import type { FieldDef, FieldType, Row } from "./types.js";

export const PAGE_SIZE = 50;

/** Field lookup for queries: declared fields (UF_* included) and filter-only ones. */
export interface QueryFields {
  fields: Readonly<Record<string, FieldDef>>;
  filterOnly?: Readonly<Record<string, { type: FieldType; value: (row: Row) => unknown }>>;
}

type Op = "=" | "!" | ">" | ">=" | "<" | "<=" | "%" | "!%" | "=%" | "!=%" | "@" | "!@" | "><" | "!><";

interface Condition {
  op: Op;
  type: FieldType;
  read: (row: Row) => unknown;
  /** Expected values, already comparable (a list: IN / any of / between bounds). */
  expected: unknown[];
  /** The ID range this condition allows, when it is a plain condition on ID. */
  field: string;
}

interface Group {
  logic: "AND" | "OR";
  items: Node[];
}

type Node = Condition | Group;

export interface FilterOptions {
  /** "ignore": a blank value drops the condition (user.get); "match-empty" (default): it matches empty fields (CRM). */
  blankValues?: "ignore" | "match-empty";
}

const PREFIX = /^(!><|><|!=%|!%=|!@|!%|!=|>=|<=|=%|%=|>|<|@|%|=|!)?(.*)$/s;

const NEGATED: Partial<Record<Op, Op>> = { "!": "=", "!%": "%", "!=%": "=%", "!@": "@", "!><": "><" };

/** Parses a Bitrix24 filter object. Unknown fields are ignored, as Bitrix24 ignores them. */
export function parseFilter(filter: unknown, fields: QueryFields, options: FilterOptions = {}): Group {
  return parseGroup(filter, fields, options, "AND");
}

/** Sub-filters nested deeper than this are ignored (a hostile filter must not exhaust the stack). */
const MAX_DEPTH = 20;

function parseGroup(filter: unknown, fields: QueryFields, options: FilterOptions, logic: "AND" | "OR", depth = 0): Group {
  const group: Group = { logic, items: [] };
  if (typeof filter !== "object" || filter === null) return group;
  const entries = Array.isArray(filter) ? filter.map((v, i) => [String(i), v] as const) : Object.entries(filter);
  const logicEntry = entries.find(([key]) => key.toUpperCase() === "LOGIC");
  if (logicEntry && String(logicEntry[1]).toUpperCase() === "OR") group.logic = "OR";
  for (const [rawKey, value] of entries) {
    const key = rawKey.trim();
    if (key.toUpperCase() === "LOGIC") continue;
    // A sub-filter: a numbered entry (filter[0][LOGIC]=OR…) or any object naming no field.
    if (value && typeof value === "object" && !Array.isArray(value) && (/^\d+$/.test(key) || !resolve(fields, PREFIX.exec(key)![2].toUpperCase()))) {
      if (depth < MAX_DEPTH) group.items.push(parseGroup(value, fields, options, "AND", depth + 1));
      continue;
    }
    const [, rawOp = "=", name] = PREFIX.exec(key)!;
    const field = resolve(fields, name.trim().toUpperCase());
    if (!field) continue;
    const op: Op = rawOp === "!=" ? "!" : rawOp === "%=" ? "=%" : rawOp === "!%=" ? "!=%" : (rawOp as Op);
    const list = Array.isArray(value) ? value : value && typeof value === "object" ? Object.values(value) : [value];
    if (options.blankValues === "ignore" && list.every((v) => isEmpty(v))) continue;
    const like = op === "%" || op === "!%" || op === "=%" || op === "!=%";
    const expected = list.map((v) => (like ? String(v ?? "").toLowerCase() : comparable(field.type, v)));
    group.items.push({ op, type: field.type, read: field.read, expected, field: field.name });
  }
  return group;
}

function resolve(fields: QueryFields, name: string): { name: string; type: FieldType; read: (row: Row) => unknown } | undefined {
  const def = fields.fields[name];
  if (def) return def.filterable === false ? undefined : { name, type: def.type, read: (row) => row[name] };
  const computed = fields.filterOnly?.[name];
  return computed && { name, type: computed.type, read: computed.value };
}

/** Whether a row passes a filter. */
export function matches(node: Node, row: Row): boolean {
  if ("logic" in node) {
    if (node.items.length === 0) return true;
    return node.logic === "OR" ? node.items.some((n) => matches(n, row)) : node.items.every((n) => matches(n, row));
  }
  const positive = NEGATED[node.op];
  if (positive) return !test(positive, node, row);
  return test(node.op, node, row);
}

function test(op: Op, c: Condition, row: Row): boolean {
  const raw = c.read(row);
  const like = op === "%" || op === "=%";
  const actual = like ? likeText(raw, c.type) : comparable(c.type, raw);
  const values = Array.isArray(actual) ? actual : [actual];
  const expected = c.expected;
  switch (op) {
    case "=":
    case "@":
      // An empty expected value asks for an empty field.
      if (expected.length === 0 || expected.every((e) => e === null)) return values.length === 0 || values.every((v) => v === null);
      return values.some((v) => v !== null && expected.some((e) => e !== null && compareScalars(v, e) === 0));
    case ">":
      return values.some((v) => v !== null && expected[0] != null && compareScalars(v, expected[0]) > 0);
    case ">=":
      return values.some((v) => v !== null && expected[0] != null && compareScalars(v, expected[0]) >= 0);
    case "<":
      return values.some((v) => v !== null && expected[0] != null && compareScalars(v, expected[0]) < 0);
    case "<=":
      return values.some((v) => v !== null && expected[0] != null && compareScalars(v, expected[0]) <= 0);
    case "><": {
      const [lo, hi] = expected;
      return values.some((v) => v !== null && lo != null && hi != null && compareScalars(v, lo) >= 0 && compareScalars(v, hi) <= 0);
    }
    case "%":
      return values.some((v) => expected.some((e) => typeof v === "string" && v.includes(String(e))));
    case "=%":
      return values.some((v) => expected.some((e) => typeof v === "string" && likeMatch(likePattern(String(e)), v)));
    default:
      return false;
  }
}

function likeText(raw: unknown, type: FieldType): string | string[] {
  if (Array.isArray(raw)) return raw.map((v) => String(type === "crm_multifield" && v && typeof v === "object" ? ((v as { VALUE?: unknown }).VALUE ?? "") : (v ?? "")).toLowerCase());
  return raw === null || raw === undefined ? "" : String(raw).toLowerCase();
}

/** A LIKE pattern as its runs between `%` signs; `_` in a run is any one character. */
interface Like {
  runs: string[];
  anchoredStart: boolean;
  anchoredEnd: boolean;
}

const patterns = new Map<string, Like>();

function likePattern(pattern: string): Like {
  let like = patterns.get(pattern);
  if (!like) {
    like = { runs: pattern.split("%"), anchoredStart: !pattern.startsWith("%"), anchoredEnd: !pattern.endsWith("%") };
    if (patterns.size > 1000) patterns.clear();
    patterns.set(pattern, like);
  }
  return like;
}

/** Where `run` (with `_` as any one character) first occurs in `text` at or after `from`, or -1. */
function findRun(text: string, run: string, from: number): number {
  if (!run.includes("_")) return text.indexOf(run, from);
  outer: for (let i = from; i + run.length <= text.length; i++) {
    for (let j = 0; j < run.length; j++) if (run[j] !== "_" && run[j] !== text[i + j]) continue outer;
    return i;
  }
  return -1;
}

const runAt = (text: string, run: string, at: number) => at >= 0 && at + run.length <= text.length && findRun(text.slice(at, at + run.length), run, 0) === 0;

/**
 * SQL LIKE (`%` any run, `_` one character) without backtracking: the first run at the start, the
 * last at the end, the others each at their leftmost place after the one before (leftmost is always
 * the best choice), so a hostile pattern costs text × pattern, never more.
 */
export function likeMatches(pattern: string, text: string): boolean {
  return likeMatch(likePattern(pattern), text);
}

function likeMatch(like: Like, text: string): boolean {
  const { runs, anchoredStart, anchoredEnd } = like;
  if (runs.length === 1) return text.length === runs[0].length && runAt(text, runs[0], 0);
  let from = 0;
  let last = runs.length - 1;
  if (anchoredStart) {
    if (!runAt(text, runs[0], 0)) return false;
    from = runs[0].length;
  }
  let end = text.length;
  if (anchoredEnd) {
    const tail = runs[last];
    if (text.length - tail.length < from || !runAt(text, tail, text.length - tail.length)) return false;
    end = text.length - tail.length;
    last--;
  }
  for (let i = anchoredStart ? 1 : 0; i <= last; i++) {
    const run = runs[i];
    if (!run) continue;
    const at = findRun(text.slice(0, end), run, from);
    if (at < 0) return false;
    from = at + run.length;
  }
  return true;
}

// ---- order ----------------------------------------------------------------------------------

export interface OrderKey {
  field: string;
  desc: boolean;
}

/** `{FIELD: "ASC"|"DESC", …}` in key order; unknown and unsortable fields are skipped. */
export function parseOrder(order: unknown, fields: QueryFields): OrderKey[] {
  if (typeof order !== "object" || order === null || Array.isArray(order)) return [];
  const keys: OrderKey[] = [];
  for (const [rawName, direction] of Object.entries(order)) {
    const name = rawName.trim().toUpperCase();
    const def = fields.fields[name];
    if (!def || def.sortable === false || (def.multiple && def.type !== "crm_multifield" && name !== "ID")) continue;
    keys.push({ field: name, desc: String(direction).trim().toUpperCase() === "DESC" });
  }
  return keys;
}

// ---- select ---------------------------------------------------------------------------------

/**
 * The fields a `select` names, in the entity's order: `*` = every standard field but those left
 * out of the mask (multi-fields), `UF_*` = every single-valued user field (CRM; `ufMultiple`: all
 * of them, as user.get does), names as given (any
 * letter case); nothing given = `fallback`. `always` fields are added (CRM's ID).
 */
export function resolveSelect(select: unknown, fields: Readonly<Record<string, FieldDef>>, fallback: readonly string[], always: readonly string[] = [], ufMultiple = false): string[] {
  const given = Array.isArray(select) ? select : select && typeof select === "object" ? Object.values(select) : typeof select === "string" && select !== "" ? [select] : [];
  const names = given.length > 0 ? given.map((s) => String(s).trim().toUpperCase()) : [...fallback];
  const wanted = new Set<string>(always);
  for (const name of names) {
    if (name === "*") {
      for (const [key, def] of Object.entries(fields)) if (!def.isDynamic && !(def.notInStar ?? def.multiple)) wanted.add(key);
    } else if (name === "UF_*") {
      for (const [key, def] of Object.entries(fields)) if (def.isDynamic && (ufMultiple || !def.multiple)) wanted.add(key);
    } else if (name in fields) wanted.add(name);
  }
  return Object.keys(fields).filter((key) => wanted.has(key));
}

// ---- paging ---------------------------------------------------------------------------------

/** `start` as Bitrix24 reads it: -1 = a page without the count; anything unreadable = 0. */
export function readStart(value: unknown): number {
  const n = toNumber(value);
  if (n === -1) return -1;
  return n !== null && n > 0 ? Math.floor(n) : 0;
}

export interface ListQuery {
  filter: Group;
  order: OrderKey[];
  start: number;
  /** Rows the caller may not see (an access hook) are skipped like filtered ones. */
  visible?: (row: Row) => boolean;
}

export interface Page {
  rows: Row[];
  /** 0 with start=-1. */
  total: number;
  next?: number;
}

/** One page of rows from `source`. */
export function runQuery(source: RowSource, fields: QueryFields, query: ListQuery): Page {
  const noCount = query.start === -1;
  const offset = noCount ? 0 : query.start;
  const order = query.order.length > 0 ? query.order : [{ field: "ID", desc: false }];
  const byId = order[0].field === "ID";
  const idDesc = byId && order[0].desc;

  // Plain top-level conditions on ID narrow the index; the rest are tested row by row.
  let lo = 1;
  let hi = Number.MAX_SAFE_INTEGER;
  const rest: Node[] = [];
  /** The IDs an indexed condition allows (the condition is still tested on each row). */
  let indexed: readonly number[] | undefined;
  if (query.filter.logic === "AND") {
    for (const node of query.filter.items) {
      // A comparison with a value that is no value of the field's type matches nothing (an
      // unresolved batch reference `$result[…]` at the end of a walk): no need to scan.
      if ("op" in node && [">", ">=", "<", "<=", "><"].includes(node.op) && node.expected.slice(0, node.op === "><" ? 2 : 1).some((e) => e === null || e === undefined)) {
        return page([], offset, 0, noCount);
      }
      if (!indexed) indexed = indexedCandidates(source, fields, node);
      const bound = "op" in node && node.field === "ID" && node.expected.length === 1 ? toNumber(node.expected[0]) : null;
      if (bound === null || !("op" in node) || !["=", ">", ">=", "<", "<="].includes(node.op)) {
        rest.push(node);
        continue;
      }
      if (node.op === "=" || node.op === ">=") lo = Math.max(lo, Math.ceil(bound));
      if (node.op === "=" || node.op === "<=") hi = Math.min(hi, Math.floor(bound));
      if (node.op === ">") lo = Math.max(lo, Math.floor(bound) + 1);
      if (node.op === "<") hi = Math.min(hi, Math.ceil(bound) - 1);
    }
  } else rest.push(query.filter);
  const run: IdRun = lo > hi ? { length: 0, at: () => 0 } : indexed ? slice(indexed, lo, hi) : source.idsBetween(lo, hi);
  const rowAt = (i: number) => source.get(run.at(idDesc ? run.length - 1 - i : i));
  const residual: Group = { logic: "AND", items: rest };
  const passes = (row: Row) => matches(residual, row) && (query.visible?.(row) ?? true);

  if (rest.length === 0 && !query.visible && byId) {
    // The fast path: index straight into the run, whatever its size.
    const rows: Row[] = [];
    for (let i = offset; i < run.length && rows.length < PAGE_SIZE; i++) {
      const row = rowAt(i);
      if (row) rows.push(row);
    }
    return page(rows, offset, noCount ? 0 : run.length, noCount);
  }

  if (byId) {
    // In ID order only the page is kept (and with start=-1 the scan stops at a full page).
    const rows: Row[] = [];
    let total = 0;
    for (let i = 0; i < run.length; i++) {
      const row = rowAt(i);
      if (!row || !passes(row)) continue;
      total++;
      if (total > offset && rows.length < PAGE_SIZE) rows.push(row);
      else if (noCount && rows.length === PAGE_SIZE) break;
    }
    return page(rows, offset, noCount ? 0 : total, noCount);
  }

  // Another order sorts every match.
  const kept: { row: Row; keys: unknown[] }[] = [];
  for (let i = 0; i < run.length; i++) {
    const row = rowAt(i);
    if (row && passes(row)) kept.push({ row, keys: order.map((k) => sortKey(fields, k.field, row)) });
  }
  kept.sort((a, b) => {
    for (let k = 0; k < order.length; k++) {
      const c = compareScalars(a.keys[k], b.keys[k]);
      if (c !== 0) return order[k].desc ? -c : c;
    }
    return Number(a.row.ID) - Number(b.row.ID);
  });
  return page(kept.slice(offset, offset + PAGE_SIZE).map((k) => k.row), offset, noCount ? 0 : kept.length, noCount);
}

/**
 * The IDs a condition `=value` (one number) on an indexed numeric field allows, or undefined. The
 * index keys stored values by their string form; numeric fields are stored as numbers (coerce), so
 * the rows it names are those the condition can match (it is still tested on each).
 */
function indexedCandidates(source: RowSource, fields: QueryFields, node: Node): readonly number[] | undefined {
  if (!("op" in node) || node.op !== "=" || node.field === "ID" || node.expected.length !== 1 || typeof node.expected[0] !== "number") return undefined;
  const def = fields.fields[node.field];
  if (!def || kindOf(def.type) !== "number") return undefined;
  return source.indexedIds?.(node.field, node.expected[0]);
}

/** The IDs of an ascending list within [lo, hi], as a run. */
function slice(ids: readonly number[], lo: number, hi: number): IdRun {
  const from = lowerBound(ids as number[], lo);
  const to = lowerBound(ids as number[], hi + 1);
  return { length: Math.max(0, to - from), at: (index) => ids[from + index] };
}

function sortKey(fields: QueryFields, name: string, row: Row): unknown {
  const def = fields.fields[name];
  const value = comparable(def.type, row[name]);
  if (Array.isArray(value)) return value[0] ?? null;
  return kindOf(def.type) === "text" && value === null ? "" : value;
}

function page(rows: Row[], offset: number, total: number, noCount: boolean): Page {
  const next = !noCount && offset + rows.length < total ? offset + PAGE_SIZE : undefined;
  return { rows, total, next };
}
