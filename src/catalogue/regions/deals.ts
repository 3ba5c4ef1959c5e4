// Deals management (OpenIntegrations region `РаботаСоСделками`), opi-bitrix24.md §2.18: CRM deals
// (crm.deal.*). Fields go under `fields`, the deal as `id`, lists 50 per page from `start`.
import { byId, rest, template, tokenParam, urlParam } from "../define.js";
import { fieldsParam, filterParam, offsetParam } from "../params.js";
import type { CrmField } from "./leads.js";

const region = "Deals management";

/** A deal as crm.deal.get prints it (fixtures/opi-samples/GetDeal.json); common fields typed. */
export interface CrmDeal {
  ID: string;
  TITLE: string | null;
  TYPE_ID: string | null;
  STAGE_ID: string;
  CATEGORY_ID: string;
  CURRENCY_ID: string;
  OPPORTUNITY: string;
  ASSIGNED_BY_ID: string;
  BEGINDATE: string;
  CLOSEDATE: string;
  DATE_CREATE: string;
  DATE_MODIFY: string;
  [field: string]: unknown;
}

const dealId = { name: "dealId", option: "deal", short: "d", field: "id", description: "Deal ID" } as const;
const dealFieldsParam = fieldsParam("fields", "Deal fields (see GetDealStructure): JSON object, e.g. {\"TITLE\":\"Sale\",\"OPPORTUNITY\":\"5000\"}, or a path to a .json file");

export const createDeal = rest<number>()({
  name: "CreateDeal",
  ru: "СоздатьСделку",
  region,
  summary: "Creates a deal; the result is its ID",
  method: "crm.deal.add",
  replay: "unsafe",
  params: [urlParam, dealFieldsParam, tokenParam()],
});

export const deleteDeal = byId<boolean>()({
  name: "DeleteDeal",
  ru: "УдалитьСделку",
  region,
  summary: "Deletes a deal",
  method: "crm.deal.delete",
  replay: "unsafe", // a second delete fails
  id: dealId,
});

export const getDeal = byId<CrmDeal>()({
  name: "GetDeal",
  ru: "ПолучитьСделку",
  region,
  summary: "Returns a deal by ID",
  method: "crm.deal.get",
  replay: "safe",
  readOnly: true,
  id: dealId,
});

export const getDealsList = rest<CrmDeal[]>()({
  name: "GetDealsList",
  ru: "ПолучитьСписокСделок",
  region,
  summary: "Lists deals, optionally filtered (see GetDealsFilterStructure); 50 per page, `next` gives the next --offset",
  method: "crm.deal.list",
  replay: "safe",
  readOnly: true,
  params: [urlParam, { ...filterParam("filter", "Filter (see GetDealsFilterStructure): JSON object, e.g. {\"CURRENCY_ID\":\"RUB\"}, or a path to a .json file"), short: "f" }, offsetParam, tokenParam()],
});

export const updateDeal = rest<boolean>()({
  name: "UpdateDeal",
  ru: "ИзменитьСделку",
  region,
  summary: "Changes a deal's fields",
  method: "crm.deal.update",
  replay: "safe",
  params: [urlParam, { ...dealId, kind: "string", required: true }, dealFieldsParam, tokenParam()],
});

export const getDealStructure = rest<Record<string, CrmField>>()({
  name: "GetDealStructure",
  ru: "ПолучитьСтруктуруСделки",
  region,
  summary: "Returns the deal fields with their types and names (for CreateDeal and UpdateDeal)",
  method: "crm.deal.fields",
  http: "GET",
  replay: "safe",
  readOnly: true,
  params: [urlParam, tokenParam()],
});

export const getDealsFilterStructure = template()({
  name: "GetDealsFilterStructure",
  ru: "ПолучитьСтруктуруФильтраСделок",
  region,
  summary: "Builds a filter template for GetDealsList: field -> description (or empty values with --empty true)",
  emptyKind: "boolean",
  fields: {
    ID: "<Deal identifier>",
    ASSIGNED_BY_ID: "<responsible person identifier>",
    BEGINDATE: "<start date>",
    CATEGORY_ID: "<direction identifier>",
    CLOSEDATE: "<completion date>",
    COMPANY_ID: "<company identifier>",
    CONTACT_ID: "<contact identifier>",
    CREATED_BY_ID: "<author identifier>",
    CURRENCY_ID: "<currency identifier>",
    DATE_CREATE: "<date of creation>",
    DATE_MODIFY: "<date of change>",
    IS_NEW: "<new deal flag (Y|N)>",
    IS_RECURRING: "<is pattern (Y|N)>",
    IS_RETURN_CUSTOMER: "<reused lead flag (Y|N)>",
    LEAD_ID: "<linked lead identifier>",
    MODIFY_BY_ID: "<author ID of the last change>",
    MOVED_BY_ID: "<identifier of the author of moving the deal to the current stage>",
    MOVED_TIME: "<date of moving the deal to the current stage>",
    OPENED: "<feature is available for all (Y|N)>",
    OPPORTUNITY: "<expected amount>",
    PROBABILITY: "<probability>",
    REQUISITE_ID: "<prop identifier>",
    STAGE_ID: "<stage identifier>",
    TITLE: "<deal name (can be searched using the template [% [%_])>",
    TYPE_ID: "<deal type>",
  },
});

export const dealFunctions = [createDeal, deleteDeal, getDeal, getDealsList, updateDeal, getDealStructure, getDealsFilterStructure] as const;
