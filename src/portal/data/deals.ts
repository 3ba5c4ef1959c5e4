// CRM deals, declared: Bitrix24's crm.deal.fields set (api-reference/crm/deals/crm-deal-fields.md)
// as one entity definition the engine turns into crm.deal.* (methods/crm-deal.ts), with pipelines
// ("categories": 0 is the default one, more through crm.dealcategory.add) and their stages
// (STAGE_ID "NEW" in pipeline 0, "C5:NEW" in pipeline 5; STAGE_SEMANTIC_ID P/S/F from the stage).
// Synthetic deals 1..N (startPortal's `deals`) are computed from their ID on demand, like leads.
import { RestError } from "../http/errors.js";
import type { MethodContext } from "../http/registry.js";
import { storeFor } from "../engine/crud.js";
import { toNumber } from "../engine/fields.js";
import type { EntityDef, Row } from "../engine/types.js";

import type { PortalState } from "./state.js";
import { field as f, readOnly } from "../engine/fields.js";


/** The stages every pipeline has, in order, with their semantics (P in progress, S success, F failure). */
export const DEAL_STAGES: readonly { code: string; name: string; semantic: "P" | "S" | "F" }[] = [
  { code: "NEW", name: "New", semantic: "P" },
  { code: "PREPARATION", name: "Preparing documents", semantic: "P" },
  { code: "PREPAYMENT_INVOICE", name: "Invoice", semantic: "P" },
  { code: "EXECUTING", name: "In progress", semantic: "P" },
  { code: "FINAL_INVOICE", name: "Final invoice", semantic: "P" },
  { code: "WON", name: "Deal won", semantic: "S" },
  { code: "LOSE", name: "Deal lost", semantic: "F" },
  { code: "APOLOGY", name: "Analyze failure", semantic: "F" },
];

/** A pipeline's stage ID: "NEW" in pipeline 0, "C5:NEW" in pipeline 5. */
export const stageId = (category: number, code: string) => (category === 0 ? code : `C${category}:${code}`);

/** The pipeline a stage ID names (0 without a "C<n>:" prefix). */
export const categoryOfStage = (stage: unknown): number => {
  const match = /^C(\d+):/.exec(String(stage ?? ""));
  return match ? Number(match[1]) : 0;
};

const codeOf = (stage: unknown) => String(stage ?? "").replace(/^C\d+:/, "");
export const stageSemantic = (stage: unknown): "P" | "S" | "F" => DEAL_STAGES.find((s) => s.code === codeOf(stage))?.semantic ?? "P";

/** Pipelines beyond the default one (crm.dealcategory.*): rows {ID, CREATED_DATE, NAME, IS_LOCKED, SORT}. */
export const dealCategoryEntity: EntityDef = {
  name: "crm.dealcategory",
  version: 1,
  fields: {
    ID: f("integer", "ID", readOnly),
    CREATED_DATE: f("date", "Created on", readOnly),
    NAME: f("string", "Name", { required: true }),
    IS_LOCKED: f("char", "Locked", { readOnly: true, default: { value: "N" } }),
    SORT: f("integer", "Sort", { default: { value: 500 } }),
  },
  onWrite(row, ctx, action) {
    if (action === "add") row.CREATED_DATE = ctx.state.now().toISOString();
  },
  onDelete(row, ctx) {
    // A pipeline that still has deals cannot go (their stages would name nothing).
    const deals = storeFor(ctx.state, dealEntity);
    const run = deals.idsBetween(deals.virtualSize + 1, Number.MAX_SAFE_INTEGER); // synthetic deals are all in pipeline 0
    for (let i = 0; i < run.length; i++) {
      if (deals.get(run.at(i))?.CATEGORY_ID === row.ID) throw crmError("The direction contains deals. Delete them or move them to another direction first.");
    }
  },
};

/** Whether pipeline `id` exists on the portal (0 always does). */
export function categoryExists(state: PortalState, id: number): boolean {
  return id === 0 || storeFor(state, dealCategoryEntity).get(id) !== undefined;
}

const crmError = (description: string) => new RestError("", description, 400);

const ids = (value: unknown): number[] => (Array.isArray(value) ? value.map(Number).filter((n) => Number.isInteger(n) && n > 0) : []);
const sameIds = (a: unknown, b: unknown) => ids(a).join() === ids(b).join();

export const dealEntity: EntityDef = {
  name: "crm.deal",
  ufCode: "CRM_DEAL",
  version: 1,
  // Synthetic deals are not stored: after a restart with --data they are computed again from their ID.
  virtualRow: (id) => syntheticDeal(id),
  fields: {
    ID: f("integer", "ID", readOnly),
    TITLE: f("string", "Title"),
    TYPE_ID: f("crm_status", "Type", { attributes: { statusType: "DEAL_TYPE" } }),
    CATEGORY_ID: f("crm_category", "Sales Funnel", { immutable: true }),
    STAGE_ID: f("crm_status", "Deal Stage", { attributes: { statusType: "DEAL_STAGE" } }),
    STAGE_SEMANTIC_ID: f("string", "Stage Group", { derive: (row) => stageSemantic(row.STAGE_ID) }),
    IS_NEW: f("char", "New Deal", { derive: (row) => (codeOf(row.STAGE_ID) === DEAL_STAGES[0].code ? "Y" : "N") }),
    IS_RECURRING: f("char", "Recurring Deal", { default: { value: "N" } }),
    IS_RETURN_CUSTOMER: f("char", "Repeat Deal", { default: { value: "N" } }),
    IS_REPEATED_APPROACH: f("char", "Repeated Approach", { default: { value: "N" } }),
    PROBABILITY: f("integer", "Probability"),
    CURRENCY_ID: f("crm_currency", "Currency", { default: { value: "RUB" } }),
    OPPORTUNITY: f("double", "Amount", { default: { value: 0 } }),
    IS_MANUAL_OPPORTUNITY: f("char", "IS_MANUAL_OPPORTUNITY", { default: { value: "N" } }),
    TAX_VALUE: f("double", "Tax Rate", { default: { value: 0 } }),
    COMPANY_ID: f("crm_company", "Company", { attributes: { settings: { parentEntityTypeId: 4 } } }),
    CONTACT_ID: f("crm_contact", "Contact", { attributes: { isDeprecated: true } }),
    CONTACT_IDS: f("crm_contact", "Contacts", { multiple: true }),
    QUOTE_ID: f("crm_quote", "Estimate", { readOnly: true, attributes: { settings: { parentEntityTypeId: 7 } } }),
    BEGINDATE: f("date", "Start Date"),
    CLOSEDATE: f("date", "Close Date"),
    OPENED: f("char", "Available to All", { default: { value: "Y" } }),
    CLOSED: f("char", "Closed", { default: { value: "N" } }),
    COMMENTS: f("string", "Comment"),
    ASSIGNED_BY_ID: f("user", "Responsible", { default: "caller" }),
    CREATED_BY_ID: f("user", "Created By", readOnly),
    MODIFY_BY_ID: f("user", "Modified By", readOnly),
    MOVED_BY_ID: f("user", "MOVED_BY_ID", readOnly),
    DATE_CREATE: f("datetime", "Creation Date", readOnly),
    DATE_MODIFY: f("datetime", "Modification Date", readOnly),
    MOVED_TIME: f("datetime", "MOVED_TIME", readOnly),
    SOURCE_ID: f("crm_status", "Source", { attributes: { statusType: "SOURCE" }, emptyValue: "" }),
    SOURCE_DESCRIPTION: f("string", "Additional Info about Source"),
    LEAD_ID: f("crm_lead", "Lead", { readOnly: true, attributes: { settings: { parentEntityTypeId: 1 } } }),
    ADDITIONAL_INFO: f("string", "Additional Information"),
    LOCATION_ID: f("location", "Location"),
    ORIGINATOR_ID: f("string", "External Source"),
    ORIGIN_ID: f("string", "Identifier in External Source"),
    UTM_SOURCE: f("string", "Advertising System"),
    UTM_MEDIUM: f("string", "Traffic Type"),
    UTM_CAMPAIGN: f("string", "Campaign Identifier"),
    UTM_CONTENT: f("string", "Campaign Content"),
    UTM_TERM: f("string", "Campaign Search Condition"),
    LAST_ACTIVITY_TIME: f("datetime", "LAST_ACTIVITY_TIME", readOnly),
    LAST_ACTIVITY_BY: f("user", "LAST_ACTIVITY_BY", readOnly),
    LAST_COMMUNICATION_TIME: f("datetime", "LAST_COMMUNICATION_TIME", { readOnly: true, unlisted: true }),
  },
  // crm.deal.get's key order (fixtures/opi-samples/GetDeal.json); CONTACT_IDS is not printed by get and list.
  printOrder: [
    "ID", "TITLE", "TYPE_ID", "STAGE_ID", "PROBABILITY", "CURRENCY_ID", "OPPORTUNITY", "IS_MANUAL_OPPORTUNITY", "TAX_VALUE",
    "LEAD_ID", "COMPANY_ID", "CONTACT_ID", "QUOTE_ID", "BEGINDATE", "CLOSEDATE", "ASSIGNED_BY_ID", "CREATED_BY_ID",
    "MODIFY_BY_ID", "DATE_CREATE", "DATE_MODIFY", "OPENED", "CLOSED", "COMMENTS", "ADDITIONAL_INFO", "LOCATION_ID",
    "CATEGORY_ID", "STAGE_SEMANTIC_ID", "IS_NEW", "IS_RECURRING", "IS_RETURN_CUSTOMER", "IS_REPEATED_APPROACH",
    "SOURCE_ID", "SOURCE_DESCRIPTION", "ORIGINATOR_ID", "ORIGIN_ID", "MOVED_BY_ID", "MOVED_TIME", "LAST_ACTIVITY_TIME",
    "UTM_SOURCE", "UTM_MEDIUM", "UTM_CAMPAIGN", "UTM_CONTENT", "UTM_TERM", "LAST_COMMUNICATION_TIME", "LAST_ACTIVITY_BY",
  ],
  onWrite(row, ctx, action, before) {
    const now = ctx.state.now();
    if (action === "add") {
      row.CREATED_BY_ID = ctx.userId;
      row.DATE_CREATE = now.toISOString();
      row.LAST_ACTIVITY_BY = ctx.userId;
      row.LAST_ACTIVITY_TIME = now.toISOString();
      // A new deal starts today and closes in a week unless told otherwise.
      if (row.BEGINDATE === undefined) row.BEGINDATE = now.toISOString().slice(0, 10);
      if (row.CLOSEDATE === undefined) row.CLOSEDATE = new Date(now.getTime() + 7 * 86_400_000).toISOString().slice(0, 10);
      placeInPipeline(row, ctx);
    } else if (before && categoryOfStage(row.STAGE_ID) !== Number(row.CATEGORY_ID ?? 0)) {
      // A stage of another pipeline is not taken (the pipeline itself cannot change here).
      row.STAGE_ID = before.STAGE_ID;
    }
    row.MODIFY_BY_ID = ctx.userId;
    row.DATE_MODIFY = now.toISOString();
    row.CLOSED = stageSemantic(row.STAGE_ID) === "P" ? "N" : "Y";
    if (action === "add" || before?.STAGE_ID !== row.STAGE_ID) {
      row.MOVED_BY_ID = ctx.userId;
      row.MOVED_TIME = now.toISOString();
    }
    // CONTACT_ID is the first of CONTACT_IDS; whichever was given leads.
    if (!sameIds(row.CONTACT_IDS, before?.CONTACT_IDS)) {
      const list = ids(row.CONTACT_IDS);
      if (list.length > 0) row.CONTACT_ID = list[0];
      else delete row.CONTACT_ID;
    } else if (row.CONTACT_ID !== before?.CONTACT_ID) {
      const first = toNumber(row.CONTACT_ID);
      const rest = ids(row.CONTACT_IDS).filter((id) => id !== first && id !== before?.CONTACT_ID);
      row.CONTACT_IDS = first ? [first, ...rest] : rest;
      if (!first) delete row.CONTACT_ID;
    }
  },
};

/** A new deal's pipeline (given, else the one its stage names; an unknown one is 0) and stage (else the pipeline's first). */
function placeInPipeline(row: Row, ctx: MethodContext): void {
  let category = row.CATEGORY_ID === undefined ? categoryOfStage(row.STAGE_ID) : Number(row.CATEGORY_ID);
  if (!Number.isInteger(category) || !categoryExists(ctx.state, category)) category = 0;
  row.CATEGORY_ID = category;
  const valid = DEAL_STAGES.some((s) => stageId(category, s.code) === row.STAGE_ID);
  if (!valid) row.STAGE_ID = stageId(category, DEAL_STAGES[0].code);
}

const TYPES = ["SALE", "COMPLEX", "GOODS", "SERVICES", "SERVICE"];
const CURRENCIES = ["RUB", "USD", "EUR"];
/** Synthetic deals were "created" a minute apart from this moment on. */
const SYNTHETIC_EPOCH = Date.UTC(2024, 0, 1);

/** Synthetic deal `id` as a stored row would hold it (computed, never stored). */
export function syntheticDeal(id: number): Row {
  const created = new Date(SYNTHETIC_EPOCH + id * 60_000).toISOString();
  const stage = DEAL_STAGES[id % DEAL_STAGES.length];
  const semantic = stage.semantic;
  return {
    ID: id,
    TITLE: `Deal #${id}`,
    TYPE_ID: TYPES[id % TYPES.length],
    CATEGORY_ID: 0,
    STAGE_ID: stage.code,
    STAGE_SEMANTIC_ID: semantic,
    IS_NEW: stage.code === "NEW" ? "Y" : "N",
    IS_RECURRING: "N",
    IS_RETURN_CUSTOMER: "N",
    IS_REPEATED_APPROACH: "N",
    PROBABILITY: (id * 10) % 101,
    CURRENCY_ID: CURRENCIES[id % CURRENCIES.length],
    OPPORTUNITY: ((id * 7919) % 100_000) + (id % 100) / 100,
    IS_MANUAL_OPPORTUNITY: "N",
    TAX_VALUE: 0,
    COMPANY_ID: 1 + (id % 50),
    CONTACT_ID: 1 + (id % 200),
    CONTACT_IDS: [1 + (id % 200)],
    BEGINDATE: created.slice(0, 10),
    CLOSEDATE: new Date(SYNTHETIC_EPOCH + id * 60_000 + 7 * 86_400_000).toISOString().slice(0, 10),
    OPENED: "Y",
    CLOSED: semantic === "P" ? "N" : "Y",
    ASSIGNED_BY_ID: 1 + (id % 5),
    CREATED_BY_ID: 1,
    MODIFY_BY_ID: 1,
    MOVED_BY_ID: 1,
    DATE_CREATE: created,
    DATE_MODIFY: created,
    MOVED_TIME: created,
    LAST_ACTIVITY_BY: 1,
    LAST_ACTIVITY_TIME: created,
  };
}

/** Makes deals 1..count exist on the portal (each computed when read). Call before any deal is added. */
export function seedSyntheticDeals(state: PortalState, count: number): void {
  storeFor(state, dealEntity).seedVirtual(count, syntheticDeal);
}
