// crm.lead.*: the lead entity (data/leads.ts) on the engine: add, get, list, update, delete and
// fields from the CRUD builder in the CRM dialect (values as strings, dates in ATOM, errors with an
// empty code and the reason), plus the lead user fields (crm.lead.userfield.add / .list) that
// feed UF_* into the same methods.
import { crmDialect } from "../engine/dialect.js";
import { crudMethods, fieldsAnswer } from "../engine/crud.js";
import { defineUserField, USER_FIELD_TYPES, userFields } from "../engine/uf.js";
import { leadEntity } from "../data/leads.js";
import { RestError } from "../http/errors.js";
import { scoped, type MethodHandler } from "../http/registry.js";
import { yesNo } from "../http/params.js";

const crmError = (description: string) => new RestError("", description, 400);

/** crm.lead.userfield.add {fields: {FIELD_NAME, USER_TYPE_ID, LABEL | EDIT_FORM_LABEL, MULTIPLE, MANDATORY}} -> the field's ID. */
const userFieldAdd = scoped("crm", (ctx) => {
  const fields = crmDialect.param(ctx.params, "fields");
  if (typeof fields !== "object" || fields === null) throw crmError("Parameter 'fields' must be array.");
  const f = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k.toUpperCase(), v]));
  const bare = String(f.FIELD_NAME ?? "").trim().toUpperCase().replace(/^UF_CRM_/, "");
  if (!/^[A-Z0-9_]+$/.test(bare)) throw crmError("The field FIELD_NAME is not defined or invalid.");
  const type = String(f.USER_TYPE_ID ?? "").trim();
  if (!USER_FIELD_TYPES.includes(type)) throw crmError(`The field USER_TYPE_ID is not defined or invalid.`);
  const name = `UF_CRM_${bare}`;
  const registry = userFields(ctx.state, "CRM_LEAD");
  if (registry.has(name)) throw crmError(`A field with the name ${name} already exists.`);
  const label = typeof f.EDIT_FORM_LABEL === "string" ? f.EDIT_FORM_LABEL : typeof f.LABEL === "string" ? f.LABEL : name;
  defineUserField(ctx.state, "CRM_LEAD", { name, userTypeId: type, label, multiple: yesNo(f.MULTIPLE, false), mandatory: yesNo(f.MANDATORY, false) });
  return [...registry.keys()].indexOf(name) + 1;
});

/** crm.lead.userfield.list -> the lead user fields. */
const userFieldList = scoped("crm", (ctx) =>
  Object.entries(fieldsAnswer(Object.fromEntries(userFields(ctx.state, "CRM_LEAD")))).map(([name, meta], i) => ({
    ID: String(i + 1),
    ENTITY_ID: "CRM_LEAD",
    FIELD_NAME: name,
    USER_TYPE_ID: (meta as { type: string }).type,
    MULTIPLE: (meta as { isMultiple: boolean }).isMultiple ? "Y" : "N",
    MANDATORY: (meta as { isRequired: boolean }).isRequired ? "Y" : "N",
  })),
);

export const crmLeadMethods: Record<string, MethodHandler> = {
  ...crudMethods({
    entity: leadEntity,
    dialect: crmDialect,
    scope: "crm",
    store: (state) => state.leads.rows,
    methods: { add: "crm.lead.add", get: "crm.lead.get", list: "crm.lead.list", update: "crm.lead.update", delete: "crm.lead.delete", fields: "crm.lead.fields" },
  }),
  "crm.lead.userfield.add": userFieldAdd,
  "crm.lead.userfield.list": userFieldList,
};
