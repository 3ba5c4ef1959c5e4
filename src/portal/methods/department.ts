// department.*: the company structure (data/departments.ts) on the engine, in the flat dialect of
// the intranet methods: department.add / update take NAME, SORT, PARENT, UF_HEAD as top-level
// parameters, department.get filters by them (sort + order, START), department.fields prints titles.
import { crudMethods } from "../engine/crud.js";
import { flatDialect } from "../engine/dialect-flat.js";
import { departmentEntity, departmentError, departments } from "../data/departments.js";
import type { MethodHandler } from "../http/registry.js";

const notFound = () => departmentError("Department not found");

export const departmentDialect = flatDialect({
  name: "department",
  numbers: ["SORT"],
  errors: {
    notFound,
    badId: notFound,
    badFields: () => departmentError("Department name not provided.<br>"),
    required: () => departmentError("Department name not provided.<br>"),
    accessDenied: () => departmentError("Access denied"),
  },
});

export const departmentMethods: Record<string, MethodHandler> = crudMethods({
  entity: departmentEntity,
  dialect: departmentDialect,
  scope: "department",
  store: departments,
  methods: { add: "department.add", list: "department.get", update: "department.update", delete: "department.delete", fields: "department.fields" },
});
