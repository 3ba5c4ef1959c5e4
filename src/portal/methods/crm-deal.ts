// crm.deal.*: the deal entity (data/deals.ts) on the engine: add, get, list, update, delete and
// fields from the CRUD builder in the CRM dialect; the pipelines (crm.dealcategory.*, the default
// pipeline 0 included through .default.get and .stage.list); and the deal user fields
// (crm.deal.userfield.add / .list) that feed UF_CRM_* into the same methods.
import { crmDialect } from "../engine/dialect.js";
import { crudMethods, storeFor } from "../engine/crud.js";
import { toNumber } from "../engine/fields.js";
import { categoryExists, DEAL_STAGES, dealCategoryEntity, dealEntity, stageId } from "../data/deals.js";
import { scoped, type MethodHandler } from "../http/registry.js";
import { crmUserFieldMethods } from "./crm-userfield.js";

/** crm.dealcategory.stage.list {id} -> the pipeline's stages; 0 or none = the default pipeline, an unknown one = []. */
const stageList = scoped("crm", (ctx) => {
  const id = toNumber(crmDialect.param(ctx.params, "id")) ?? 0;
  if (!Number.isInteger(id) || !categoryExists(ctx.state, id)) return [];
  return DEAL_STAGES.map((stage, i) => ({ NAME: stage.name, SORT: String((i + 1) * 10), STATUS_ID: stageId(id, stage.code) }));
});

/** crm.dealcategory.default.get -> the default pipeline (ID 0). */
const defaultGet = scoped("crm", () => ({ ID: 0, NAME: "General" }));

export const crmDealMethods: Record<string, MethodHandler> = {
  ...crudMethods({
    entity: dealEntity,
    dialect: crmDialect,
    scope: "crm",
    methods: { add: "crm.deal.add", get: "crm.deal.get", list: "crm.deal.list", update: "crm.deal.update", delete: "crm.deal.delete", fields: "crm.deal.fields" },
  }),
  ...crmUserFieldMethods("crm.deal", "CRM_DEAL"),
  ...crudMethods({
    entity: dealCategoryEntity,
    dialect: crmDialect,
    scope: "crm",
    store: (state) => storeFor(state, dealCategoryEntity),
    methods: {
      add: "crm.dealcategory.add",
      get: "crm.dealcategory.get",
      list: "crm.dealcategory.list",
      update: "crm.dealcategory.update",
      delete: "crm.dealcategory.delete",
      fields: "crm.dealcategory.fields",
    },
  }),
  "crm.dealcategory.stage.list": stageList,
  "crm.dealcategory.default.get": defaultGet,
};
