// CRM user fields for any CRM entity: `<prefix>.userfield.add` / `.list` (crm.deal.userfield.add…)
// define UF_CRM_* fields in the entity's UF registry, which the engine's CRUD methods of that entity
// then accept, print, filter and order by like any other field.
import { crmDialect } from "../engine/dialect.js";
import { fieldsAnswer } from "../engine/crud.js";
import { defineUserField, USER_FIELD_TYPES, userFields } from "../engine/uf.js";
import { RestError } from "../http/errors.js";
import { yesNo } from "../http/params.js";
import { scoped, type MethodHandler } from "../http/registry.js";

const crmError = (description: string) => new RestError("", description, 400);

/** The user-field methods of a CRM entity: `prefix` "crm.deal", `ufCode` "CRM_DEAL". */
export function crmUserFieldMethods(prefix: string, ufCode: string): Record<string, MethodHandler> {
  /** {fields: {FIELD_NAME, USER_TYPE_ID, LABEL | EDIT_FORM_LABEL, MULTIPLE, MANDATORY}} -> the field's ID. */
  const add = scoped("crm", (ctx) => {
    const fields = crmDialect.param(ctx.params, "fields");
    if (typeof fields !== "object" || fields === null) throw crmError("Parameter 'fields' must be array.");
    const f = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k.toUpperCase(), v]));
    const bare = String(f.FIELD_NAME ?? "").trim().toUpperCase().replace(/^UF_CRM_/, "");
    if (!/^[A-Z0-9_]+$/.test(bare)) throw crmError("The field FIELD_NAME is not defined or invalid.");
    const type = String(f.USER_TYPE_ID ?? "").trim();
    if (!USER_FIELD_TYPES.includes(type)) throw crmError("The field USER_TYPE_ID is not defined or invalid.");
    const name = `UF_CRM_${bare}`;
    const registry = userFields(ctx.state, ufCode);
    if (registry.has(name)) throw crmError(`A field with the name ${name} already exists.`);
    const label = typeof f.EDIT_FORM_LABEL === "string" ? f.EDIT_FORM_LABEL : typeof f.LABEL === "string" ? f.LABEL : name;
    defineUserField(ctx.state, ufCode, { name, userTypeId: type, label, multiple: yesNo(f.MULTIPLE, false), mandatory: yesNo(f.MANDATORY, false) });
    return [...registry.keys()].indexOf(name) + 1;
  });

  const list = scoped("crm", (ctx) =>
    Object.entries(fieldsAnswer(Object.fromEntries(userFields(ctx.state, ufCode)))).map(([name, meta], i) => ({
      ID: String(i + 1),
      ENTITY_ID: ufCode,
      FIELD_NAME: name,
      USER_TYPE_ID: (meta as { type: string }).type,
      MULTIPLE: (meta as { isMultiple: boolean }).isMultiple ? "Y" : "N",
      MANDATORY: (meta as { isRequired: boolean }).isRequired ? "Y" : "N",
    })),
  );

  return { [`${prefix}.userfield.add`]: add, [`${prefix}.userfield.list`]: list };
}
