// One store for every declared entity: rows as REST-named plain JSON, kept by ID with a sorted ID
// index, named sequences (the next ID, multi-field item IDs…), and a change event
// `{entity, id, action}` for each write (persistence and live views listen). A store may also
// hold virtual rows 1..N computed from their ID on demand (100,000 seeded leads cost nothing);
// writing to one stores it, deleting one leaves a tombstone.

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

  constructor(readonly entity: string) {}

  /** Makes rows 1..count exist, each computed by `make` when read. Call before adding. */
  seedVirtual(count: number, make: (id: number) => Row): void {
    if (!Number.isSafeInteger(count) || count < 0) throw new Error("row count must be a non-negative integer");
    if (this.ids.length > 0) throw new Error("virtual rows must be seeded before any row is added");
    this.virtualCount = count;
    this.virtualRow = make;
    this.sequences.set("ID", Math.max(this.sequences.get("ID") ?? 1, count + 1));
  }

  /** How rows 1..N are computed (also after restore()). */
  setVirtualMaker(make: (id: number) => Row): void {
    this.virtualRow = make;
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
    this.rows.set(id, { ...row, ID: id });
    this.ids.push(id);
    this.emit({ entity: this.entity, id, action: "add" });
    return id;
  }

  /** Replaces a row (the caller merged the patch); a virtual row becomes a stored one. */
  replace(id: number, row: Row): void {
    if (!this.get(id)) throw new Error(`${this.entity}: no row ${id}`);
    this.rows.set(id, { ...row, ID: id });
    this.emit({ entity: this.entity, id, action: "update" });
  }

  delete(id: number): boolean {
    if (!this.get(id)) return false;
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
