// Workgroups (Bitrix24's sonet groups), declared: {ID, NAME, OWNER_ID, MEMBERS} in an engine store,
// so the generic persistence keeps them with --data. Membership is what a group's Drive storage
// (ENTITY_TYPE "group", ENTITY_ID = the group's ID) and its calendars (CAL_TYPE "group", OWNER_ID =
// the group's ID) are guarded by: a member (the owner is one) or an administrator may use them,
// nobody else (canUseGroup; methods/disk.ts canUseStorage and methods/calendar.ts canSeeCalendar
// ask it). The demo portal has group 1, "Workgroup", of user 1 with users 2 and 3 in it.
import { storeFor } from "../engine/crud.js";
import type { EntityStore } from "../engine/store.js";
import type { EntityDef, Row } from "../engine/types.js";
import { field as f } from "../engine/fields.js";
import { callerIsAdmin, type MethodContext } from "../http/registry.js";
import type { PortalState } from "./state.js";

export const workgroupEntity: EntityDef = {
  name: "sonet_group",
  version: 1,
  fields: {
    ID: f("integer", "ID", { readOnly: true }),
    NAME: f("string", "Name", { required: true }),
    OWNER_ID: f("user", "Owner"),
    /** Every member's user ID, the owner included. */
    MEMBERS: f("user", "Members", { multiple: true }),
  },
  // Seeing a group's record (and so its storage and calendars) takes membership or an administrator.
  access: (ctx, _action, row) => row === undefined || canUseGroup(ctx, Number(row.ID)),
};

/** How a workgroup is given (startPortal's `workgroups`, the seed): the owner defaults to the first member. */
export interface WorkgroupSpec {
  id: number;
  name: string;
  members: readonly number[];
  ownerId?: number;
}

export const workgroups = (state: PortalState): EntityStore => storeFor(state, workgroupEntity);

/** The demo portal's group 1 (its Drive storage is data/disk.ts STORAGE.GROUP). */
export const SEED_WORKGROUPS: readonly WorkgroupSpec[] = [{ id: 1, name: "Workgroup", ownerId: 1, members: [1, 2, 3] }];

export function memberIds(row: Row | undefined): number[] {
  return Array.isArray(row?.MEMBERS) ? (row.MEMBERS as unknown[]).map(Number) : [];
}

export function isGroupMember(state: PortalState, groupId: number, userId: number): boolean {
  const row = workgroups(state).get(groupId);
  return row !== undefined && (Number(row.OWNER_ID) === userId || memberIds(row).includes(userId));
}

/** Whether the caller may read and change a group's storage and calendars: a member or an administrator. */
export function canUseGroup(ctx: MethodContext, groupId: number): boolean {
  return callerIsAdmin(ctx) || isGroupMember(ctx.state, groupId, ctx.userId);
}

/** Puts groups in place: a group with the ID already there is replaced, a new one gets that ID. */
export function setWorkgroups(state: PortalState, specs: readonly WorkgroupSpec[]): void {
  const store = workgroups(state);
  for (const spec of specs) {
    if (!Number.isInteger(spec.id) || spec.id < 1) throw new Error(`workgroup id must be a positive integer, not ${spec.id}`);
    const ownerId = spec.ownerId ?? spec.members[0];
    const members = [...new Set([...(ownerId === undefined ? [] : [ownerId]), ...spec.members])];
    const row: Row = { NAME: spec.name, OWNER_ID: ownerId, MEMBERS: members };
    if (store.get(spec.id)) {
      store.replace(spec.id, row);
      continue;
    }
    if (store.peek("ID") > spec.id) throw new Error(`workgroup ${spec.id} cannot be made again`);
    while (store.peek("ID") < spec.id) store.next("ID");
    store.insert(row);
  }
}

/** A loaded portal without workgroups (a file written before them) gets the demo group, as a fresh one does. */
export function seedWorkgroupsIfNone(state: PortalState): void {
  if (workgroups(state).size === 0) setWorkgroups(state, SEED_WORKGROUPS);
}
