// Safe-to-replay samples of the leads, deals, departments and feed posts regions: reads, and the
// updates (a second run sets the same values again: nothing added, `true` again). UpdateLead is
// not one: a multi-field item without an ID (a new phone) is added by every run.
import type { SafeSample } from "./samples.js";

const LEAD = { TITLE: "Replay lead", NAME: "Ivan", ADDRESS: "Pushkin st., b. 10", PHONE: [{ VALUE: "88005553535", VALUE_TYPE: "WORK" }] };
const DEAL = { TITLE: "Replay deal", CURRENCY_ID: "USD", OPPORTUNITY: "5000" };

export const CRM_SAMPLES: Record<string, SafeSample> = {
  GetLead: { values: async (c) => ({ leadId: (await c.client().call<number>("crm.lead.add", { fields: LEAD })).result }) },
  GetLeadsList: { values: () => ({ filter: { TITLE: "Replay lead" } }) },
  GetLeadStructure: { values: () => ({}) },
  GetDeal: { values: async (c) => ({ dealId: (await c.client().call<number>("crm.deal.add", { fields: DEAL })).result }) },
  GetDealsList: { values: () => ({ filter: { TITLE: "Replay deal" } }) },
  UpdateDeal: {
    values: async (c) => ({ dealId: (await c.client().call<number>("crm.deal.add", { fields: DEAL })).result, fields: { STAGE_ID: "WON", OPPORTUNITY: "7000" } }),
    write: true,
  },
  GetDealStructure: { values: () => ({}) },
  GetDepartments: { values: () => ({ parentId: "1" }) },
  UpdateDepartment: {
    values: async (c) => ({ departmentId: (await c.client().call<number>("department.add", { NAME: "Replay department", PARENT: 1 })).result, title: "Renamed", parentId: "2", headId: "3" }),
    write: true,
  },
  GetPosts: { values: async (c) => ({ postId: (await c.client().call<number>("log.blogpost.add", { POST_MESSAGE: "Replay post", DEST: ["UA"] })).result }) },
  GetImportantPostViewers: {
    values: async (c) => {
      const postId = (await c.client().call<number>("log.blogpost.add", { POST_MESSAGE: "Replay important", IMPORTANT: "Y" })).result;
      await c.client().call("socialnetwork.api.livefeed.blogpost.important.vote", { params: { POST_ID: postId } });
      return { postId };
    },
  },
};
