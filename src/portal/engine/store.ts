// One store for every declared entity: rows as REST-named plain JSON, kept by ID with a sorted ID
// index, named sequences (the next ID, multi-field item IDs…), and a change event
// `{entity, id, action}` for each write (persistence and live views listen). A store may also
// hold virtual rows 1..N computed from their ID on demand (100,000 seeded leads cost nothing);
// writing to one stores it, deleting one leaves a tombstone.
//
// Declared indexes (EntityDef.indexes, declareIndexes): for each named field an exact-value ->
// ascending-ID map, so `where(field, value)` reads a task's comments without scanning the table.
// An index is built on its first use, in one pass over every row (virtual ones computed: 100,000
// synthetic tasks cost one pass, once, and nothing when no index is asked for), then kept up to
// date by insert / replace / delete; restore / load / seeding drop it, to be built again on next use.
// Values are keyed by their string form (5 and "5" alike; an array field by each of its elements);
// null, undefined and objects are not indexed. Rows must change only through the store.

import type { Row } from "./types.js";

export interface EntityChange {
  entity: string;
  id: number;
  action: "add" | "update" | "delete";
}

export type ChangeListener = (change: EntityChange) => void;

/** A sorted run of IDs that can be indexed without being materialised. */
export interface IdRun {
  readonly length: number;
  /** The index-th ID in ascending order. */
  at(index: number): number;
}

/** What the query engine reads: any source of rows by ascending ID. */
export interface RowSource {
  /** The IDs in [lo, hi], ascending. */
  idsBetween(lo: number, hi: number): IdRun;
  get(id: number): Row | undefined;
  /** The ascending IDs of rows whose `field` holds `value`, from a declared index; undefined without one. */
  indexedIds?(field: string, value: unknown): readonly number[] | undefined;
}

/** Everything a store holds, as plain JSON (rows with their ID field). */
export interface StoreSnapshot {
  entity: string;
  rows: Row[];
  sequences: Record<string, number>;
  /** Virtual rows 1..count, less the removed ones. */
  virtual: { count: number; removed: number[] };
}

/** A removed virtual row, as savedRow() gives it. */
const REMOVED = "~removed";
/** counters()' name for the virtual row count. */
const VIRTUAL = "~virtual";

export class EntityStore implements RowSource {
  private readonly rows = new Map<number, Row>();
  /** IDs of stored rows above the virtual range, ascending (IDs only grow). */
  private readonly ids: number[] = [];
  /** Removed virtual IDs, ascending. */
  private removedVirtual: number[] = [];
  private virtualCount = 0;
  private virtualRow: (id: number) => Row = (id) => ({ ID: id });
  private readonly sequences = new Map<string, number>();
  private readonly listeners = new Set<ChangeListener>();
  /** Declared index fields; each one's index, once built (undefined until its first use). */
  private readonly indexes = new Map<string, FieldIndex | undefined>();

  constructor(readonly entity: string, options: { indexes?: readonly string[] } = {}) {
    this.declareIndexes(options.indexes ?? []);
  }

  /** Declares fields to index (EntityDef.indexes); each index is built on its first use. */
  declareIndexes(fields: readonly string[]): void {
    for (const field of fields) if (!this.indexes.has(field)) this.indexes.set(field, undefined);
  }

  /** The declared index fields. */
  get indexedFields(): string[] {
    return [...this.indexes.keys()];
  }

  /**
   * The rows whose `field` equals `value` (an array field: holds it), by ascending ID, compared by
   * string form (5 and "5" alike); null, undefined and objects match nothing. A declared index
   * answers without a scan; another field is scanned.
   */
  where(field: string, value: unknown): Row[] {
    const key = scalarKey(value);
    if (key === undefined) return [];
    if (!this.indexes.has(field)) return this.all().filter((row) => keysOf(row[field]).includes(key));
    const rows: Row[] = [];
    for (const id of this.index(field).ids.get(key) ?? []) {
      const row = this.get(id);
      if (row) rows.push(row);
    }
    return rows;
  }

  /** The IDs where(field, value) answers, ascending, or undefined when `field` has no declared index. */
  indexedIds(field: string, value: unknown): readonly number[] | undefined {
    if (!this.indexes.has(field)) return undefined;
    const key = scalarKey(value);
    return key === undefined ? [] : (this.index(field).ids.get(key) ?? []);
  }

  /** Makes rows 1..count exist, each computed by `make` when read. Call before adding. */
  seedVirtual(count: number, make: (id: number) => Row): void {
    if (!Number.isSafeInteger(count) || count < 0) throw new Error("row count must be a non-negative integer");
    if (this.ids.length > 0) throw new Error("virtual rows must be seeded before any row is added");
    this.virtualCount = count;
    this.virtualRow = make;
    this.dropIndexes();
    this.sequences.set("ID", Math.max(this.sequences.get("ID") ?? 1, count + 1));
  }

  /** How rows 1..N are computed (also after restore()). */
  setVirtualMaker(make: (id: number) => Row): void {
    this.virtualRow = make;
    this.dropIndexes();
  }

  get virtualSize(): number {
    return this.virtualCount;
  }

  get size(): number {
    return this.virtualCount - this.removedVirtual.length + this.ids.length;
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** The next value of a named sequence (starting at 1). */
  next(sequence: string): number {
    const value = this.sequences.get(sequence) ?? 1;
    this.sequences.set(sequence, value + 1);
    return value;
  }

  /** The value next(sequence) would give, without taking it. */
  peek(sequence: string): number {
    return this.sequences.get(sequence) ?? 1;
  }

  /** Every row, by ascending ID (virtual ones computed): for the small tables a handler reads whole. */
  all(): Row[] {
    const run = this.idsBetween(1, Number.MAX_SAFE_INTEGER);
    const rows: Row[] = [];
    for (let i = 0; i < run.length; i++) {
      const row = this.get(run.at(i));
      if (row) rows.push(row);
    }
    return rows;
  }

  get(id: number): Row | undefined {
    const stored = this.rows.get(id);
    if (stored) return stored;
    if (Number.isInteger(id) && id >= 1 && id <= this.virtualCount && !this.isRemovedVirtual(id)) return this.virtualRow(id);
    return undefined;
  }

  /** Stores a new row under the next ID; returns its ID. */
  insert(row: Row): number {
    const id = this.next("ID");
    const stored = { ...row, ID: id };
    this.reindex(id, stored);
    this.rows.set(id, stored);
    this.ids.push(id);
    this.emit({ entity: this.entity, id, action: "add" });
    return id;
  }

  /** Replaces a row (the caller merged the patch); a virtual row becomes a stored one. */
  replace(id: number, row: Row): void {
    if (!this.get(id)) throw new Error(`${this.entity}: no row ${id}`);
    const stored = { ...row, ID: id };
    this.reindex(id, stored);
    this.rows.set(id, stored);
    this.emit({ entity: this.entity, id, action: "update" });
  }

  delete(id: number): boolean {
    if (!this.get(id)) return false;
    this.reindex(id, undefined);
    this.rows.delete(id);
    if (id <= this.virtualCount) {
      this.removedVirtual.splice(lowerBound(this.removedVirtual, id), 0, id);
    } else {
      const at = lowerBound(this.ids, id);
      if (this.ids[at] === id) this.ids.splice(at, 1);
    }
    this.emit({ entity: this.entity, id, action: "delete" });
    return true;
  }

  idsBetween(lo: number, hi: number): IdRun {
    // Virtual IDs are contiguous less the removed ones; stored ones are found by binary search.
    const vLo = Math.max(lo, 1);
    const vHi = Math.min(hi, this.virtualCount);
    const removed = this.removedVirtual;
    const rFrom = lowerBound(removed, vLo);
    const rTo = lowerBound(removed, vHi + 1);
    const virtualCount = Math.max(0, vHi - vLo + 1 - (rTo - rFrom));
    const from = lowerBound(this.ids, Math.max(lo, this.virtualCount + 1));
    const to = lowerBound(this.ids, hi + 1);
    const ids = this.ids;
    const virtualAt = rTo === rFrom ? (k: number) => vLo + k : (k: number) => kthKept(vLo, removed, rFrom, rTo, k);
    return {
      length: virtualCount + Math.max(0, to - from),
      at: (index) => (index < virtualCount ? virtualAt(index) : ids[from + index - virtualCount]),
    };
  }

  /** Every stored row (virtual ones only where written), sequences and the virtual range, as plain JSON. */
  snapshot(): StoreSnapshot {
    return {
      entity: this.entity,
      rows: [...this.rows.values()].map((row) => structuredClone(row)),
      sequences: Object.fromEntries(this.sequences),
      virtual: { count: this.virtualCount, removed: [...this.removedVirtual] },
    };
  }

  /** Replaces everything with a snapshot. */
  restore(saved: StoreSnapshot): void {
    this.rows.clear();
    this.ids.length = 0;
    this.dropIndexes();
    this.virtualCount = saved.virtual.count;
    this.removedVirtual = [...saved.virtual.removed].sort((a, b) => a - b);
    this.sequences.clear();
    for (const [name, value] of Object.entries(saved.sequences)) this.sequences.set(name, value);
    for (const row of [...saved.rows].sort((a, b) => Number(a.ID) - Number(b.ID))) {
      const id = Number(row.ID);
      this.rows.set(id, row);
      if (id > this.virtualCount) this.ids.push(id);
    }
  }

  // --- persistence (data/persistence.ts): one row at a time, as the change events name them ---

  /**
   * What persistence keeps for an ID: the stored row, `{ID, "~removed": true}` for a removed
   * virtual row, or undefined when there is nothing to keep (never stored, or deleted).
   */
  savedRow(id: number): Row | undefined {
    const stored = this.rows.get(id);
    if (stored) return stored;
    return id >= 1 && id <= this.virtualCount && this.isRemovedVirtual(id) ? { ID: id, [REMOVED]: true } : undefined;
  }

  /** Every ID savedRow() answers for, ascending. */
  savedIds(): number[] {
    return [...new Set([...this.rows.keys(), ...this.removedVirtual])].sort((a, b) => a - b);
  }

  /** The sequences' next values and the virtual row count (as "~virtual"). */
  counters(): Record<string, number> {
    const out = Object.fromEntries(this.sequences);
    if (this.virtualCount > 0) out[VIRTUAL] = this.virtualCount;
    return out;
  }

  /** Replaces everything with rows as savedRow() gave them and counters() (no change events). */
  load(rows: Row[], counters: Record<string, number>): void {
    const { [VIRTUAL]: count = 0, ...sequences } = counters;
    this.restore({
      entity: this.entity,
      rows: rows.filter((row) => !row[REMOVED]),
      sequences,
      virtual: { count, removed: rows.filter((row) => row[REMOVED]).map((row) => Number(row.ID)) },
    });
  }

  /** A declared field's index, built now if it was not. */
  private index(field: string): FieldIndex {
    const built = this.indexes.get(field);
    if (built) return built;
    // Every unbuilt index in one pass (virtual rows are computed once for all of them).
    const pending = [...this.indexes].filter(([, index]) => !index).map(([name]) => name);
    const fresh = pending.map((name) => ({ name, index: { ids: new Map<string, number[]>(), stored: new Map<number, string[]>() } }));
    const run = this.idsBetween(1, Number.MAX_SAFE_INTEGER);
    for (let i = 0; i < run.length; i++) {
      const id = run.at(i);
      const stored = this.rows.get(id);
      const row = stored ?? this.get(id);
      if (!row) continue;
      for (const { name, index } of fresh) {
        const keys = keysOf(row[name]);
        if (stored && keys.length > 0) index.stored.set(id, keys);
        for (const key of keys) {
          const list = index.ids.get(key);
          if (list) list.push(id); // IDs come ascending
          else index.ids.set(key, [id]);
        }
      }
    }
    for (const { name, index } of fresh) this.indexes.set(name, index);
    return this.indexes.get(field)!;
  }

  /** Moves `id` in every built index from the keys it has to those of `row` (undefined: deleted). Call before the row map changes. */
  private reindex(id: number, row: Row | undefined): void {
    for (const [name, index] of this.indexes) {
      if (!index) continue;
      // What the index holds for the ID: remembered for a stored row, computed for a virtual one.
      const before = index.stored.get(id) ?? (this.rows.has(id) || id > this.virtualCount || this.isRemovedVirtual(id) ? [] : keysOf(this.virtualRow(id)[name]));
      const after = row ? keysOf(row[name]) : [];
      for (const key of before) if (!after.includes(key)) removeSorted(index.ids, key, id);
      for (const key of after) if (!before.includes(key)) addSorted(index.ids, key, id);
      if (after.length > 0) index.stored.set(id, after);
      else index.stored.delete(id);
    }
  }

  private dropIndexes(): void {
    for (const name of this.indexes.keys()) this.indexes.set(name, undefined);
  }

  private isRemovedVirtual(id: number): boolean {
    const at = lowerBound(this.removedVirtual, id);
    return this.removedVirtual[at] === id;
  }

  private emit(change: EntityChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch {
        // a listener must not undo or fail a write
      }
    }
  }
}

/** A built index of one field: key -> ascending IDs, and the keys each stored row is filed under. */
interface FieldIndex {
  ids: Map<string, number[]>;
  /** Stored rows' keys as filed (a row changed in place still leaves its old entries); virtual rows' are computed. */
  stored: Map<number, string[]>;
}

/** How where() and the indexes key a scalar value; undefined for what is not indexed. */
function scalarKey(value: unknown): string | undefined {
  const type = typeof value;
  return type === "string" || type === "number" || type === "boolean" || type === "bigint" ? String(value) : undefined;
}

/** The keys a field's value is filed under: its string form, or each element's for an array. */
function keysOf(value: unknown): string[] {
  if (!Array.isArray(value)) {
    const key = scalarKey(value);
    return key === undefined ? [] : [key];
  }
  const keys: string[] = [];
  for (const item of value) {
    const key = scalarKey(item);
    if (key !== undefined && !keys.includes(key)) keys.push(key);
  }
  return keys;
}

function addSorted(map: Map<string, number[]>, key: string, id: number): void {
  const list = map.get(key);
  if (!list) return void map.set(key, [id]);
  if (list.length === 0 || list[list.length - 1] < id) return void list.push(id);
  const at = lowerBound(list, id);
  if (list[at] !== id) list.splice(at, 0, id);
}

function removeSorted(map: Map<string, number[]>, key: string, id: number): void {
  const list = map.get(key);
  if (!list) return;
  const at = lowerBound(list, id);
  if (list[at] !== id) return;
  list.splice(at, 1);
  if (list.length === 0) map.delete(key);
}

/** The k-th (0-based) ID from `lo` up that is not in removed[from..to) (sorted, all ≥ lo). */
function kthKept(lo: number, removed: number[], from: number, to: number, k: number): number {
  // removed[i] - lo - (i - from) counts kept IDs below removed[i]; it never decreases.
  let a = from;
  let b = to;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (removed[mid] - lo - (mid - from) <= k) a = mid + 1;
    else b = mid;
  }
  return lo + k + (a - from);
}

export function lowerBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
