// Departments management (OpenIntegrations region `УправлениеПодразделениями`), opi-bitrix24.md
// §2.15: the company structure (department.*), upper-case fields, IDs as text, empty ones left out.
import { byId, rest, tokenParam, urlParam } from "../define.js";

const region = "Departments management";

/** A department as department.get prints it (fixtures/opi-samples/GetDepartments.json). */
export interface Department {
  ID: string;
  NAME: string;
  SORT: number;
  PARENT?: string;
  UF_HEAD?: string;
}

const nameParam = { name: "title", option: "title", short: "t", kind: "string", field: "NAME", default: "", description: "Department name" } as const;
const parentParam = { name: "parentId", option: "parentid", short: "p", kind: "string", field: "PARENT", default: "", description: "Parent department ID" } as const;
const headParam = { name: "headId", option: "headid", short: "h", kind: "string", field: "UF_HEAD", default: "", description: "Head of department (user ID)" } as const;
const departmentId = { name: "departmentId", option: "depid", short: "d", field: "ID", description: "Department ID" } as const;

export const createDepartment = rest<number>()({
  name: "CreateDepartment",
  ru: "СоздатьПодразделение",
  region,
  summary: "Creates a department; the result is its ID",
  method: "department.add",
  replay: "unsafe",
  params: [urlParam, { name: "title", option: "title", short: "t", kind: "string", field: "NAME", required: true, description: "Department name" }, parentParam, headParam, tokenParam("k")],
});

export const updateDepartment = rest<boolean>()({
  name: "UpdateDepartment",
  ru: "ИзменитьПодразделение",
  region,
  summary: "Changes a department's name, parent or head (empty values are left as they are)",
  method: "department.update",
  replay: "safe",
  params: [urlParam, { ...departmentId, kind: "string", required: true }, nameParam, parentParam, headParam, tokenParam("k")],
});

export const getDepartments = rest<Department[]>()({
  name: "GetDepartments",
  ru: "ПолучитьПодразделения",
  region,
  summary: "Lists departments, by ID or filtered by name, parent or head (all optional); 50 per page",
  method: "department.get",
  replay: "safe",
  readOnly: true,
  params: [
    urlParam,
    { ...departmentId, kind: "string", default: "", description: "Department ID" },
    { ...nameParam, description: "Filter by name" },
    { ...parentParam, description: "Filter by parent department ID" },
    { ...headParam, description: "Filter by head (user ID)" },
    tokenParam("k"),
  ],
});

export const deleteDepartment = byId<boolean>()({
  name: "DeleteDepartment",
  ru: "УдалитьПодразделение",
  region,
  summary: "Deletes a department",
  method: "department.delete",
  replay: "unsafe", // a second delete fails
  id: { ...departmentId, description: "ID of the department to delete" },
});

export const departmentFunctions = [createDepartment, updateDepartment, getDepartments, deleteDepartment] as const;
