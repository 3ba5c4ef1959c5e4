// Declared entities: one definition per entity, with field metadata in REST names, gives
// validation (writes), the `*.fields` answer, rendering (through a dialect), filtering, ordering,
// select and persistence (rows are REST-named plain JSON). See engine/README-style notes in index.ts.
import type { MethodContext } from "../http/registry.js";

/** The REST type names Bitrix24 prints in `*.fields` (`type`); each has its comparator (fields.ts). */
export type FieldType =
  | "integer"
  | "double"
  | "string"
  | "char"
  | "boolean"
  | "date"
  | "datetime"
  | "user"
  | "crm_status"
  | "crm_currency"
  | "crm_company"
  | "crm_contact"
  | "crm_multifield"
  | "crm_category"
  | "crm_lead"
  | "crm_quote"
  | "location"
  | "enumeration"
  | "file"
  | "object";

/** A stored row: REST field names to canonical values (numbers, "Y"/"N", ISO dates, arrays). Absent = empty. */
export type Row = Record<string, unknown>;

export interface FieldDef {
  type: FieldType;
  title: string;
  required?: boolean;
  /** Set by the portal only: ignored in add/update. */
  readOnly?: boolean;
  /** Settable on add, ignored on update. */
  immutable?: boolean;
  multiple?: boolean;
  /** A value given when add leaves the field out; "caller" / "now" take the calling user / the clock. */
  default?: { value: unknown } | "caller" | "now";
  /** Usable in `filter` (default true). */
  filterable?: boolean;
  /** Usable in `order` (default true; never for multiple fields). */
  sortable?: boolean;
  /** Left out of the `*` select mask (Bitrix24 CRM: multi-fields). Default: multiple fields are left out. */
  notInStar?: boolean;
  /** Extra attributes printed by `*.fields` as they are (statusType, settings, isDeprecated, labels). */
  attributes?: Record<string, unknown>;
  /** Kept up to date from the row (HAS_PHONE…): never written directly, recomputed on each write. */
  derive?: (row: Row) => unknown;
  /** A user field (UF_*), from the UF registry. */
  isDynamic?: boolean;
  /** What answers print when the field is empty, where Bitrix24 prints something else than the dialect's default (a deal's SOURCE_ID: ""). */
  emptyValue?: unknown;
  /** Printed in rows but not listed by `*.fields` (LAST_COMMUNICATION_TIME). */
  unlisted?: boolean;
}

/** What an access hook is asked about. */
export type AccessAction = "read" | "add" | "update" | "delete";

/**
 * Rights as data on the entity: return false (or throw a RestError) to refuse. Called for each
 * row a method touches (`row` absent for add and for list, where it filters rows instead).
 */
export type AccessHook = (ctx: MethodContext, action: AccessAction, row?: Row) => boolean;

export interface EntityDef {
  /** "crm.lead", "user", … (the change events' `entity`). */
  readonly name: string;
  /** The user-field registry code ("CRM_LEAD", "USER"); absent = no UF_* fields. */
  readonly ufCode?: string;
  /**
   * Row format version. Persistence saves it with the rows; rows saved under an older version are
   * passed through `migrate` when a portal file is opened. Raise it whenever stored rows change shape.
   */
  readonly version: number;
  /** Brings a row saved under `fromVersion` (< version) to the current shape (persistence.ts, on load). */
  readonly migrate?: (row: Row, fromVersion: number) => Row;
  /** How virtual rows 1..N (EntityStore.seedVirtual) are computed, so a saved store's are computed again after a restart. */
  readonly virtualRow?: (id: number) => Row;
  /** Standard fields in Bitrix24's order. */
  readonly fields: Readonly<Record<string, FieldDef>>;
  /**
   * Fields the store indexes by exact value (EntityStore.where): a task's comments by TASK_ID read
   * without a scan. Built on first use, virtual rows included; kept up to date on every write.
   */
  readonly indexes?: readonly string[];
  /** Fields usable only in filters, computed from the row (user.get's NAME_SEARCH…). */
  readonly filterOnly?: Readonly<Record<string, { type: FieldType; value: (row: Row) => unknown }>>;
  readonly access?: AccessHook;
  /** Values the portal keeps up to date on every write (DATE_MODIFY, MODIFY_BY_ID…). */
  readonly onWrite?: (row: Row, ctx: MethodContext, action: "add" | "update", before?: Row) => void;
  /** Checks a whole row before it is stored (Bitrix24's per-entity rules); throw a RestError. */
  readonly validate?: (row: Row, ctx: MethodContext, action: "add" | "update") => void;
  /** Called before a row is deleted: throw a RestError to refuse (a department with members), or remove what goes with it. */
  readonly onDelete?: (row: Row, ctx: MethodContext) => void;
  /**
   * The standard fields rows print (get, list), in this order, where it differs from the `*.fields`
   * order; fields not named here are never printed (a deal's CONTACT_IDS). User fields follow.
   */
  readonly printOrder?: readonly string[];
}
