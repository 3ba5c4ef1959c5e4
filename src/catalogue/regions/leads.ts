// Leads management (OpenIntegrations region `РаботаСЛидами`), opi-bitrix24.md §2.17: CRM leads
// (crm.lead.*). Fields go under `fields`, the lead as `id`, lists 50 per page from `start`.
import { byId, rest, template, tokenParam, urlParam } from "../define.js";
import { fieldsParam, filterParam, offsetParam } from "../params.js";

const region = "Leads management";

/** A field of a CRM entity as crm.*.fields describes it (fixtures/opi-samples/GetLeadStructure.json). */
export interface CrmField {
  type: string;
  isRequired: boolean;
  isReadOnly: boolean;
  isImmutable: boolean;
  isMultiple: boolean;
  isDynamic: boolean;
  title: string;
  statusType?: string;
  [key: string]: unknown;
}

/** A lead as crm.lead.get prints it (fixtures/opi-samples/GetLead.json); common fields typed. */
export interface CrmLead {
  ID: string;
  TITLE: string | null;
  NAME: string | null;
  LAST_NAME: string | null;
  STATUS_ID: string;
  CURRENCY_ID: string;
  OPPORTUNITY: string;
  ASSIGNED_BY_ID: string;
  DATE_CREATE: string;
  DATE_MODIFY: string;
  [field: string]: unknown;
}

const leadId = { name: "leadId", option: "lead", short: "l", field: "id", description: "Lead ID" } as const;
const leadFieldsParam = fieldsParam("fields", "Lead fields (see GetLeadStructure): JSON object, e.g. {\"TITLE\":\"MegaClient\",\"NAME\":\"Ivan\"}, or a path to a .json file");

export const createLead = rest<number>()({
  name: "CreateLead",
  ru: "СоздатьЛид",
  region,
  summary: "Creates a lead; the result is its ID",
  method: "crm.lead.add",
  replay: "unsafe",
  params: [urlParam, leadFieldsParam, tokenParam()],
});

export const deleteLead = byId<boolean>()({
  name: "DeleteLead",
  ru: "УдалитьЛид",
  region,
  summary: "Deletes a lead",
  method: "crm.lead.delete",
  replay: "unsafe", // a second delete fails
  id: leadId,
});

export const getLead = byId<CrmLead>()({
  name: "GetLead",
  ru: "ПолучитьЛид",
  region,
  summary: "Returns a lead by ID",
  method: "crm.lead.get",
  replay: "safe",
  readOnly: true,
  id: leadId,
});

export const getLeadsList = rest<CrmLead[]>()({
  name: "GetLeadsList",
  ru: "ПолучитьСписокЛидов",
  region,
  summary: "Lists leads, optionally filtered (see GetLeadFilterStructure); 50 per page, `next` gives the next --offset",
  method: "crm.lead.list",
  replay: "safe",
  readOnly: true,
  params: [urlParam, { ...filterParam("filter", "Filter (see GetLeadFilterStructure): JSON object, e.g. {\"TITLE\":\"MegaClient\",\"HAS_EMAIL\":\"Y\"}, or a path to a .json file"), short: "f" }, offsetParam, tokenParam()],
});

export const updateLead = rest<boolean>()({
  name: "UpdateLead",
  ru: "ИзменитьЛид",
  region,
  summary: "Changes a lead's fields",
  method: "crm.lead.update",
  replay: "unsafe", // PHONE, EMAIL, WEB, IM items without an ID are added again by a second run
  params: [urlParam, { ...leadId, kind: "string", required: true }, leadFieldsParam, tokenParam()],
});

export const getLeadStructure = rest<Record<string, CrmField>>()({
  name: "GetLeadStructure",
  ru: "ПолучитьСтруктуруЛида",
  region,
  summary: "Returns the lead fields with their types and names (for CreateLead and UpdateLead)",
  method: "crm.lead.fields",
  http: "GET",
  replay: "safe",
  readOnly: true,
  params: [urlParam, tokenParam()],
});

export const getLeadFilterStructure = template()({
  name: "GetLeadFilterStructure",
  ru: "ПолучитьСтруктуруФильтраЛидов",
  region,
  summary: "Builds a filter template for GetLeadsList: field -> description (or empty values with --empty true)",
  emptyKind: "boolean",
  fields: {
    ID: "<lead identifier>",
    ASSIGNED_BY_ID: "<responsible person identifier>",
    COMPANY_ID: "<company identifier>",
    COMPANY_TITLE: "<company name>",
    CONTACT_ID: "<contact identifier>",
    CREATED_BY_ID: "<author identifier>",
    CURRENCY_ID: "<currency identifier>",
    DATE_CLOSED: "<closing date>",
    DATE_CREATE: "<date of creation>",
    DATE_MODIFY: "<date of change>",
    EMAIL: "<email address>",
    HAS_EMAIL: "<Email is filled (Y|N)>",
    HAS_PHONE: "<phone field is filled (Y|N)>",
    IS_RETURN_CUSTOMER: "<reused lead flag (Y|N)>",
    MODIFY_BY_ID: "<author ID of the last change>",
    MOVED_BY_ID: "<identifier of the author of moving the lead to the current stage>",
    MOVED_TIME: "<date of moving the lead to the current stage>",
    OPENED: "<feature is available for all (Y|N)>",
    OPPORTUNITY: "<expected amount>",
    STATUS_ID: "<status identifier>",
    TITLE: "<lead name (can be searched using the template [% [%_])>",
  },
});

export const leadFunctions = [createLead, deleteLead, getLead, getLeadsList, updateLead, getLeadStructure, getLeadFilterStructure] as const;
