// CRM leads, declared: Bitrix24's full crm.lead.fields set (api-reference/crm/leads/crm-lead-fields.md)
// as one entity definition the engine turns into crm.lead.add/get/list/update/delete/fields
// (methods/crm-lead.ts). Synthetic leads 1..N are computed from their ID on demand (100,000 of
// them cost nothing at start and no memory); leads added later get IDs above N and are stored as
// REST-named rows, as is a synthetic lead once it is changed.
import { EntityStore, type StoreSnapshot } from "../engine/store.js";
import type { EntityDef, Row } from "../engine/types.js";

import { field as f, readOnly } from "../engine/fields.js";

const multi = (title: string) => f("crm_multifield", title, { multiple: true });
const has = (name: string) => (row: Row) => (Array.isArray(row[name]) && (row[name] as unknown[]).length > 0 ? "Y" : "N");

/** Stage semantics of the default lead stages: P = in progress, S = success, F = failure. */
const SEMANTICS: Record<string, "P" | "S" | "F"> = { CONVERTED: "S", JUNK: "F" };
const semanticOf = (status: unknown) => SEMANTICS[String(status ?? "")] ?? "P";
const ADDRESS_FIELDS = ["ADDRESS", "ADDRESS_2", "ADDRESS_CITY", "ADDRESS_POSTAL_CODE", "ADDRESS_REGION", "ADDRESS_PROVINCE", "ADDRESS_COUNTRY", "ADDRESS_COUNTRY_CODE"];

export const leadEntity: EntityDef = {
  name: "crm.lead",
  ufCode: "CRM_LEAD",
  version: 1,
  virtualRow: (id) => syntheticLead(id),
  fields: {
    ID: f("integer", "ID", readOnly),
    TITLE: f("string", "Lead Title"),
    HONORIFIC: f("crm_status", "Salutation", { attributes: { statusType: "HONORIFIC" } }),
    NAME: f("string", "First Name"),
    SECOND_NAME: f("string", "Middle Name"),
    LAST_NAME: f("string", "Last Name"),
    BIRTHDATE: f("date", "Birthdate"),
    COMPANY_TITLE: f("string", "Company Name"),
    SOURCE_ID: f("crm_status", "Source", { attributes: { statusType: "SOURCE" } }),
    SOURCE_DESCRIPTION: f("string", "Source Description"),
    STATUS_ID: f("crm_status", "Stage", { attributes: { statusType: "STATUS" }, default: { value: "NEW" } }),
    STATUS_DESCRIPTION: f("string", "Stage Description"),
    STATUS_SEMANTIC_ID: f("string", "Status Semantic", { derive: (row) => semanticOf(row.STATUS_ID) }),
    POST: f("string", "Position"),
    ADDRESS: f("string", "Address"),
    ADDRESS_2: f("string", "Address (Line 2)"),
    ADDRESS_CITY: f("string", "City"),
    ADDRESS_POSTAL_CODE: f("string", "Postal Code"),
    ADDRESS_REGION: f("string", "Region"),
    ADDRESS_PROVINCE: f("string", "Province"),
    ADDRESS_COUNTRY: f("string", "Country"),
    ADDRESS_COUNTRY_CODE: f("string", "Country Code"),
    ADDRESS_LOC_ADDR_ID: f("integer", "Location Address ID"),
    CURRENCY_ID: f("crm_currency", "Currency", { default: { value: "RUB" } }),
    OPPORTUNITY: f("double", "Amount", { default: { value: 0 } }),
    IS_MANUAL_OPPORTUNITY: f("char", "IS_MANUAL_OPPORTUNITY", { default: { value: "N" } }),
    OPENED: f("char", "Available to All", { default: { value: "Y" } }),
    COMMENTS: f("string", "Comments"),
    HAS_PHONE: f("char", "Phone Provided", { derive: has("PHONE") }),
    HAS_EMAIL: f("char", "Email Provided", { derive: has("EMAIL") }),
    HAS_IMOL: f("char", "Open Line Assigned", { derive: has("IM") }),
    ASSIGNED_BY_ID: f("user", "Responsible User", { default: "caller" }),
    CREATED_BY_ID: f("user", "Created By", readOnly),
    MODIFY_BY_ID: f("user", "Modified By", readOnly),
    MOVED_BY_ID: f("user", "MOVED_BY_ID", readOnly),
    DATE_CREATE: f("datetime", "Creation Date", readOnly),
    DATE_MODIFY: f("datetime", "Modification Date", readOnly),
    MOVED_TIME: f("datetime", "MOVED_TIME", readOnly),
    COMPANY_ID: f("crm_company", "Company", { attributes: { settings: { parentEntityTypeId: 4 } } }),
    CONTACT_ID: f("crm_contact", "Contact", { attributes: { isDeprecated: true } }),
    CONTACT_IDS: f("crm_contact", "CONTACT_IDS", { multiple: true }),
    IS_RETURN_CUSTOMER: f("char", "Returning Lead", { readOnly: true, default: { value: "N" } }),
    DATE_CLOSED: f("datetime", "Closing Date", readOnly),
    ORIGINATOR_ID: f("string", "External Source"),
    ORIGIN_ID: f("string", "Identifier in External Source"),
    UTM_SOURCE: f("string", "Advertising System"),
    UTM_MEDIUM: f("string", "Traffic Type"),
    UTM_CAMPAIGN: f("string", "Campaign Identifier"),
    UTM_CONTENT: f("string", "Campaign Content"),
    UTM_TERM: f("string", "Campaign Search Term"),
    LAST_ACTIVITY_TIME: f("datetime", "LAST_ACTIVITY_TIME", readOnly),
    LAST_ACTIVITY_BY: f("user", "LAST_ACTIVITY_BY", readOnly),
    LAST_COMMUNICATION_TIME: f("datetime", "LAST_COMMUNICATION_TIME", { readOnly: true, unlisted: true }),
    PHONE: multi("Phone"),
    EMAIL: multi("E-mail"),
    WEB: multi("Website"),
    IM: multi("Messenger"),
    LINK: multi("LINK"),
  },
  // crm.lead.get's key order (fixtures/opi-samples/GetLead.json); CONTACT_IDS is not printed by get and list.
  printOrder: [
    "ID", "TITLE", "HONORIFIC", "NAME", "SECOND_NAME", "LAST_NAME", "COMPANY_TITLE", "COMPANY_ID", "CONTACT_ID",
    "IS_RETURN_CUSTOMER", "BIRTHDATE", "SOURCE_ID", "SOURCE_DESCRIPTION", "STATUS_ID", "STATUS_DESCRIPTION", "POST",
    "COMMENTS", "CURRENCY_ID", "OPPORTUNITY", "IS_MANUAL_OPPORTUNITY", "HAS_PHONE", "HAS_EMAIL", "HAS_IMOL",
    "ASSIGNED_BY_ID", "CREATED_BY_ID", "MODIFY_BY_ID", "DATE_CREATE", "DATE_MODIFY", "DATE_CLOSED", "STATUS_SEMANTIC_ID",
    "OPENED", "ORIGINATOR_ID", "ORIGIN_ID", "MOVED_BY_ID", "MOVED_TIME", "ADDRESS", "ADDRESS_2", "ADDRESS_CITY",
    "ADDRESS_POSTAL_CODE", "ADDRESS_REGION", "ADDRESS_PROVINCE", "ADDRESS_COUNTRY", "ADDRESS_COUNTRY_CODE",
    "ADDRESS_LOC_ADDR_ID", "UTM_SOURCE", "UTM_MEDIUM", "UTM_CAMPAIGN", "UTM_CONTENT", "UTM_TERM",
    "LAST_COMMUNICATION_TIME", "LAST_ACTIVITY_BY", "LAST_ACTIVITY_TIME", "EMAIL", "PHONE", "WEB", "IM", "LINK",
  ],
  onWrite(row, ctx, action, before) {
    const now = ctx.state.now().toISOString();
    // Bitrix24 keeps a lead's address in its location module and prints that record's ID.
    if (row.ADDRESS_LOC_ADDR_ID === undefined && ADDRESS_FIELDS.some((name) => row[name] !== undefined && row[name] !== "")) {
      row.ADDRESS_LOC_ADDR_ID = ctx.state.leads.rows.next("ADDRESS");
    }
    if (action === "add") {
      row.CREATED_BY_ID = ctx.userId;
      row.DATE_CREATE = now;
      row.LAST_ACTIVITY_BY = ctx.userId;
      row.LAST_ACTIVITY_TIME = now;
    }
    row.MODIFY_BY_ID = ctx.userId;
    row.DATE_MODIFY = now;
    // Moving to another stage is recorded; a final stage (success or failure) closes the lead.
    if (action === "add" || before?.STATUS_ID !== row.STATUS_ID) {
      row.MOVED_BY_ID = ctx.userId;
      row.MOVED_TIME = now;
      if (semanticOf(row.STATUS_ID) !== "P") row.DATE_CLOSED = now;
      else delete row.DATE_CLOSED;
    }
  },
};

const NAMES = ["Anna", "Boris", "Clara", "Denis", "Elena", "Fedor", "Galina", "Igor"];
const LAST_NAMES = ["Ivanova", "Petrov", "Sidorova", "Smirnov", "Kuznetsova", "Popov", "Volkova", "Sokolov"];
const STATUSES = ["NEW", "IN_PROCESS", "PROCESSED", "CONVERTED", "JUNK"];
/** Synthetic leads were "created" a minute apart from this moment on. */
const SYNTHETIC_EPOCH = Date.UTC(2024, 0, 1);

/** Synthetic lead `id` as a stored row would hold it (computed, never stored). */
export function syntheticLead(id: number): Row {
  const created = new Date(SYNTHETIC_EPOCH + id * 60_000).toISOString();
  const status = STATUSES[id % STATUSES.length];
  return {
    ID: id,
    TITLE: `Lead #${id}`,
    NAME: NAMES[id % NAMES.length],
    LAST_NAME: LAST_NAMES[(id * 7) % LAST_NAMES.length],
    STATUS_ID: status,
    STATUS_SEMANTIC_ID: semanticOf(status),
    SOURCE_ID: id % 3 === 0 ? "WEB" : "CALL",
    CURRENCY_ID: "RUB",
    OPPORTUNITY: 0,
    IS_MANUAL_OPPORTUNITY: "N",
    OPENED: "Y",
    HAS_PHONE: "N",
    HAS_EMAIL: "N",
    HAS_IMOL: "N",
    ASSIGNED_BY_ID: 1,
    CREATED_BY_ID: 1,
    MODIFY_BY_ID: 1,
    MOVED_BY_ID: 1,
    DATE_CREATE: created,
    DATE_MODIFY: created,
    MOVED_TIME: created,
    ...(semanticOf(status) === "P" ? {} : { DATE_CLOSED: created }),
    IS_RETURN_CUSTOMER: "N",
    LAST_ACTIVITY_BY: 1,
    LAST_ACTIVITY_TIME: created,
  };
}

/** A stored lead: its REST-named row (persist-schema.ts stores it as JSON). */
export type LeadRecord = Row;

/** Leads as the release before the generic entity tables saved them (persist-schema.ts reads such files). */
export interface LeadsSnapshot {
  synthetic: number;
  /** Stored rows; a removed synthetic lead is `{ID, "~removed": true}`. */
  added: LeadRecord[];
  nextId: number;
}

const REMOVED = "~removed";

/** The portal's leads: an engine store with the synthetic ones seeded, saved through persistence.ts. */
export class LeadStore {
  readonly rows = new EntityStore(leadEntity.name);

  /** Makes leads 1..count exist (count only; each is computed when read). Call before adding. */
  seedSynthetic(count: number): void {
    this.rows.seedVirtual(count, syntheticLead);
  }

  get size(): number {
    return this.rows.size;
  }

  get(id: number): Row | undefined {
    return this.rows.get(id);
  }

  snapshot(): LeadsSnapshot {
    const saved = this.rows.snapshot();
    return {
      synthetic: saved.virtual.count,
      added: [...saved.rows, ...saved.virtual.removed.map((id) => ({ ID: id, [REMOVED]: true }))],
      nextId: saved.sequences.ID ?? saved.virtual.count + 1,
    };
  }

  /** Replaces everything with saved leads (rows, or records of the first release's column layout). */
  restore(saved: LeadsSnapshot): void {
    const rows = saved.added.map(fromLegacy);
    const snapshot: StoreSnapshot = {
      entity: leadEntity.name,
      rows: rows.filter((r) => !r[REMOVED]),
      sequences: { ID: saved.nextId, MULTIFIELD: 1 + rows.flatMap(multifieldIds).reduce((a, b) => Math.max(a, b), 0) },
      virtual: { count: saved.synthetic, removed: rows.filter((r) => r[REMOVED]).map((r) => Number(r.ID)) },
    };
    this.rows.restore(snapshot);
    this.rows.setVirtualMaker(syntheticLead);
  }
}

function multifieldIds(row: Row): number[] {
  return ["PHONE", "EMAIL", "WEB", "IM", "LINK"].flatMap((name) => (Array.isArray(row[name]) ? (row[name] as Row[]).map((item) => Number(item.ID) || 0) : []));
}

/** A lead saved by the first release ({id, title, name, …, dateCreate: Date}) as a row. */
function fromLegacy(saved: Row): Row {
  if (saved.ID !== undefined || saved.id === undefined) return saved;
  const created = saved.dateCreate instanceof Date ? saved.dateCreate.toISOString() : new Date(Number(saved.dateCreate)).toISOString();
  const row: Row = {
    ID: saved.id,
    TITLE: saved.title,
    NAME: saved.name || undefined,
    LAST_NAME: saved.lastName || undefined,
    STATUS_ID: saved.statusId || "NEW",
    STATUS_SEMANTIC_ID: semanticOf(saved.statusId || "NEW"),
    SOURCE_ID: saved.sourceId || undefined,
    OPENED: saved.opened === false ? "N" : "Y",
    ASSIGNED_BY_ID: saved.assignedById,
    CREATED_BY_ID: saved.createdById,
    MODIFY_BY_ID: saved.createdById,
    DATE_CREATE: created,
    DATE_MODIFY: created,
    COMMENTS: saved.comments || undefined,
    CURRENCY_ID: "RUB",
    OPPORTUNITY: 0,
    IS_MANUAL_OPPORTUNITY: "N",
    IS_RETURN_CUSTOMER: "N",
    HAS_PHONE: "N",
    HAS_EMAIL: "N",
    HAS_IMOL: "N",
  };
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined));
}
