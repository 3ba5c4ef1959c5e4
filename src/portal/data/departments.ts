// The company structure, declared: departments {ID, NAME, SORT, PARENT, UF_HEAD} as a tree with one
// top-level department, kept in an engine store (department.* in methods/department.ts). Users'
// UF_DEPARTMENT holds these IDs (user.get filters by it and by UF_DEPARTMENT_NAME). A department
// that has employees, itself or below it, cannot be deleted; one without goes with its
// sub-departments (Bitrix24 deletes a structure section with its subsections).
import { storeFor } from "../engine/crud.js";
import { toNumber } from "../engine/fields.js";
import type { EntityStore } from "../engine/store.js";
import type { EntityDef, Row } from "../engine/types.js";

import { RestError } from "../http/errors.js";
import type { PortalState } from "./state.js";
import { field as f } from "../engine/fields.js";
import { callerIsAdmin } from "../http/registry.js";

export const departmentError = (description: string) => new RestError("ERROR_CORE", description, 400);

export const departmentEntity: EntityDef = {
  name: "department",
  version: 1,
  fields: {
    ID: f("integer", "ID", { readOnly: true }),
    NAME: f("string", "Department Name", { required: true }),
    SORT: f("integer", "Sort Order", { default: { value: 500 } }),
    PARENT: f("integer", "Parent Department"),
    UF_HEAD: f("user", "Manager"),
  },
  // Reading is for everyone; changing the structure takes an administrator.
  access: (ctx, action) => action === "read" || callerIsAdmin(ctx),
  validate(row, ctx) {
    const store = departments(ctx.state);
    const parent = toNumber(row.PARENT);
    if (parent === null || !store.get(parent)) {
      // Only the top-level department has no parent, and there is one.
      const root = topLevel(store);
      if (parent !== null || (root !== undefined && root !== row.ID)) throw departmentError("There can only be one top-level department in the company structure");
      return;
    }
    if (row.ID !== undefined && subtree(store, Number(row.ID)).includes(parent)) {
      throw departmentError("A department cannot be moved under itself or one of its sub-departments");
    }
  },
  onDelete(row, ctx) {
    const store = departments(ctx.state);
    const ids = subtree(store, Number(row.ID));
    if (ctx.state.listUsers().some((user) => user.departments.some((id) => ids.includes(id)))) {
      throw departmentError("The department cannot be deleted: it or one of its sub-departments has employees");
    }
    for (const id of ids.slice(1)) store.delete(id);
  },
};

/** The portal's departments. */
export const departments = (state: PortalState): EntityStore => storeFor(state, departmentEntity);

/** A department's name, or "" when there is no such department. */
export function departmentName(state: PortalState, id: number): string {
  const name = departments(state).get(id)?.NAME;
  return typeof name === "string" ? name : "";
}

function topLevel(store: EntityStore): unknown {
  return store.all().find((row) => row.PARENT === undefined || !store.get(Number(row.PARENT)))?.ID;
}

/** `id` and every department below it, parents before children. */
export function subtree(store: EntityStore, id: number): number[] {
  const rows = store.all();
  const out = [id];
  for (let i = 0; i < out.length; i++) for (const row of rows) if (Number(row.PARENT) === out[i]) out.push(Number(row.ID));
  return out;
}

/** The demo company's structure (the seeded users' UF_DEPARTMENT refers to it). */
export function seedDepartments(state: PortalState): void {
  const store = departments(state);
  store.insert({ NAME: "Example Company", SORT: 500, UF_HEAD: 1 });
  store.insert({ NAME: "Sales", SORT: 500, PARENT: 1, UF_HEAD: 2 });
  store.insert({ NAME: "Development", SORT: 500, PARENT: 1, UF_HEAD: 3 });
  store.insert({ NAME: "Accounting", SORT: 500, PARENT: 1, UF_HEAD: 4 });
}

/**
 * A loaded portal without a company structure (a file written before departments existed, such as
 * a converted schema-1 one) gets the demo structure, which its seeded users' UF_DEPARTMENT names.
 */
export function seedDepartmentsIfNone(state: PortalState): void {
  if (departments(state).size === 0) seedDepartments(state);
}
