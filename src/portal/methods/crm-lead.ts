// crm.lead.*: the lead entity (data/leads.ts) on the engine: add, get, list, update, delete and
// fields from the CRUD builder in the CRM dialect (values as strings, dates in ATOM, errors with an
// empty code and the reason), plus the lead user fields (crm.lead.userfield.add / .list, shared
// with the other CRM entities in crm-userfield.ts) that feed UF_CRM_* into the same methods.
import { crmDialect } from "../engine/dialect.js";
import { crudMethods } from "../engine/crud.js";
import { leadEntity } from "../data/leads.js";
import type { MethodHandler } from "../http/registry.js";
import { crmUserFieldMethods } from "./crm-userfield.js";

export const crmLeadMethods: Record<string, MethodHandler> = {
  ...crudMethods({
    entity: leadEntity,
    dialect: crmDialect,
    scope: "crm",
    store: (state) => state.leads.rows,
    methods: { add: "crm.lead.add", get: "crm.lead.get", list: "crm.lead.list", update: "crm.lead.update", delete: "crm.lead.delete", fields: "crm.lead.fields" },
  }),
  ...crmUserFieldMethods("crm.lead", "CRM_LEAD"),
};
