// CRM leads, minimal: enough to page over a big list. Synthetic leads 1..N are computed from
// their ID on demand (100,000 of them cost nothing at start and no memory); leads added later get
// IDs above N and are stored. IDs only grow, so the store is always in ascending ID order.
import { atom } from "../http/dates.js";
import type { IdRun, ListSource } from "../http/paging.js";

export interface LeadRecord {
  id: number;
  title: string;
  name: string;
  lastName: string;
  statusId: string;
  sourceId: string;
  opened: boolean;
  assignedById: number;
  createdById: number;
  dateCreate: Date;
  comments: string;
}

export type NewLead = Partial<Omit<LeadRecord, "id">>;

const NAMES = ["Anna", "Boris", "Clara", "Denis", "Elena", "Fedor", "Galina", "Igor"];
const LAST_NAMES = ["Ivanova", "Petrov", "Sidorova", "Smirnov", "Kuznetsova", "Popov", "Volkova", "Sokolov"];
const STATUSES = ["NEW", "IN_PROCESS", "PROCESSED", "CONVERTED", "JUNK"];
/** Synthetic leads were "created" a minute apart from this moment on. */
const SYNTHETIC_EPOCH = Date.UTC(2024, 0, 1);

export class LeadStore implements ListSource<LeadRecord> {
  private synthetic = 0;
  private readonly added = new Map<number, LeadRecord>();
  /** IDs of added leads, ascending. */
  private readonly addedIds: number[] = [];
  private nextId = 1;

  /** Makes leads 1..count exist (count only; each is computed when read). Call before adding. */
  seedSynthetic(count: number): void {
    if (!Number.isSafeInteger(count) || count < 0) throw new Error("lead count must be a non-negative integer");
    if (this.addedIds.length > 0) throw new Error("synthetic leads must be seeded before any lead is added");
    this.synthetic = count;
    this.nextId = count + 1;
  }

  get size(): number {
    return this.synthetic + this.addedIds.length;
  }

  add(input: NewLead, now: Date): LeadRecord {
    const lead: LeadRecord = {
      id: this.nextId++,
      title: input.title ?? "",
      name: input.name ?? "",
      lastName: input.lastName ?? "",
      statusId: input.statusId ?? "NEW",
      sourceId: input.sourceId ?? "",
      opened: input.opened ?? true,
      assignedById: input.assignedById ?? 1,
      createdById: input.createdById ?? 1,
      dateCreate: input.dateCreate ?? now,
      comments: input.comments ?? "",
    };
    this.added.set(lead.id, lead);
    this.addedIds.push(lead.id);
    return lead;
  }

  /** The setting and the added leads, for persistence.ts (synthetic leads are computed, never stored). */
  snapshot(): { synthetic: number; added: LeadRecord[]; nextId: number } {
    return { synthetic: this.synthetic, added: [...this.added.values()], nextId: this.nextId };
  }

  /** Replaces everything with saved leads. */
  restore(saved: { synthetic: number; added: LeadRecord[]; nextId: number }): void {
    this.added.clear();
    this.addedIds.length = 0;
    this.synthetic = saved.synthetic;
    for (const lead of [...saved.added].sort((a, b) => a.id - b.id)) {
      this.added.set(lead.id, lead);
      this.addedIds.push(lead.id);
    }
    this.nextId = saved.nextId;
  }

  get(id: number): LeadRecord | undefined {
    if (Number.isInteger(id) && id >= 1 && id <= this.synthetic) return syntheticLead(id);
    return this.added.get(id);
  }

  idsBetween(lo: number, hi: number): IdRun {
    // Synthetic IDs are contiguous; added ones are found by binary search.
    const sLo = Math.max(lo, 1);
    const sHi = Math.min(hi, this.synthetic);
    const syntheticCount = Math.max(0, sHi - sLo + 1);
    const from = lowerBound(this.addedIds, lo);
    const to = lowerBound(this.addedIds, hi + 1);
    const ids = this.addedIds;
    return {
      length: syntheticCount + Math.max(0, to - from),
      at: (index) => (index < syntheticCount ? sLo + index : ids[from + index - syntheticCount]),
    };
  }

  field(record: LeadRecord, name: string): unknown {
    // Filters read the fields that are cheap to read directly; others through the full rendering.
    const direct = DIRECT_FIELDS[name];
    return direct ? direct(record) : renderLead(record)[name];
  }
}

const DIRECT_FIELDS: Record<string, (lead: LeadRecord) => unknown> = {
  ID: (lead) => lead.id,
  TITLE: (lead) => lead.title,
  NAME: (lead) => lead.name,
  LAST_NAME: (lead) => lead.lastName,
  STATUS_ID: (lead) => lead.statusId,
  SOURCE_ID: (lead) => lead.sourceId,
  ASSIGNED_BY_ID: (lead) => lead.assignedById,
};

function syntheticLead(id: number): LeadRecord {
  return {
    id,
    title: `Lead #${id}`,
    name: NAMES[id % NAMES.length],
    lastName: LAST_NAMES[(id * 7) % LAST_NAMES.length],
    statusId: STATUSES[id % STATUSES.length],
    sourceId: id % 3 === 0 ? "WEB" : "CALL",
    opened: true,
    assignedById: 1,
    createdById: 1,
    dateCreate: new Date(SYNTHETIC_EPOCH + id * 60_000),
    comments: "",
  };
}

/** The lead as crm.lead.get/list print it: upper-case keys, values as strings (Bitrix24 CRM style). */
export function renderLead(lead: LeadRecord): Record<string, string | null> {
  const date = atom(lead.dateCreate);
  return {
    ID: String(lead.id),
    TITLE: lead.title,
    NAME: lead.name || null,
    SECOND_NAME: null,
    LAST_NAME: lead.lastName || null,
    STATUS_ID: lead.statusId,
    SOURCE_ID: lead.sourceId || null,
    OPENED: lead.opened ? "Y" : "N",
    ASSIGNED_BY_ID: String(lead.assignedById),
    CREATED_BY_ID: String(lead.createdById),
    DATE_CREATE: date,
    DATE_MODIFY: date,
    COMMENTS: lead.comments || null,
    CURRENCY_ID: "RUB",
    OPPORTUNITY: "0.00",
  };
}

function lowerBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
