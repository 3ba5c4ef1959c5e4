// crm.lead.add / crm.lead.get / crm.lead.list, minimal: a big list to page over (paging.ts).
// CRM errors carry an empty code and the reason in the description, as Bitrix24's crm.* do.
import { RestError } from "../http/errors.js";
import { renderLead, type NewLead } from "../data/leads.js";
import { listPage } from "../http/paging.js";
import { isBlank, textParam, toInt } from "../http/params.js";
import type { MethodContext, MethodHandler } from "../http/registry.js";

const crmError = (description: string): RestError => new RestError("", description, 400);

/** Parameters by lower-case name: crm.* read `fields`/`FIELDS`, `id`/`ID` alike. */
function param(ctx: MethodContext, name: string): unknown {
  for (const [key, value] of Object.entries(ctx.params)) if (key.toLowerCase() === name) return value;
  return undefined;
}

const leadAdd: MethodHandler = (ctx) => {
  const fields = param(ctx, "fields");
  if (typeof fields !== "object" || fields === null || Array.isArray(fields)) throw crmError("Parameter 'fields' must be array.");
  const f = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k.toUpperCase(), v]));
  const input: NewLead = {
    title: textParam(f.TITLE),
    name: textParam(f.NAME),
    lastName: textParam(f.LAST_NAME),
    statusId: isBlank(f.STATUS_ID) ? undefined : textParam(f.STATUS_ID),
    sourceId: textParam(f.SOURCE_ID),
    comments: textParam(f.COMMENTS),
    opened: isBlank(f.OPENED) ? undefined : textParam(f.OPENED).toUpperCase() !== "N",
    assignedById: toInt(f.ASSIGNED_BY_ID) ?? ctx.userId,
    createdById: ctx.userId,
  };
  return ctx.state.leads.add(input, ctx.state.now()).id;
};

const leadGet: MethodHandler = (ctx) => {
  const id = toInt(param(ctx, "id"));
  if (id === null || id <= 0) throw crmError("ID is not defined or invalid.");
  const lead = ctx.state.leads.get(id);
  if (!lead) throw crmError("Not found");
  return renderLead(lead);
};

const leadList: MethodHandler = (ctx) => {
  const select = param(ctx, "select");
  const wanted = Array.isArray(select) ? select.map((s) => String(s).toUpperCase()).filter((s) => s !== "*") : [];
  const render = (lead: Parameters<typeof renderLead>[0]) => {
    const full = renderLead(lead);
    if (wanted.length === 0) return full;
    return Object.fromEntries(Object.entries(full).filter(([key]) => key === "ID" || wanted.includes(key)));
  };
  return listPage(ctx.state.leads, { start: param(ctx, "start"), order: param(ctx, "order"), filter: param(ctx, "filter") }, render);
};

export const crmLeadMethods: Record<string, MethodHandler> = {
  "crm.lead.add": leadAdd,
  "crm.lead.get": leadGet,
  "crm.lead.list": leadList,
};
