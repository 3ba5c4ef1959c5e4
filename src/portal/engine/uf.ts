// User fields (UF_*): one registry per entity code ("CRM_LEAD", "USER", …) and portal. A user
// field is a FieldDef like any other (isDynamic), so `*.fields`, select (`UF_*`), filter, order,
// validation and rendering treat it as they treat standard fields.
import type { EntityDef, FieldDef, FieldType } from "./types.js";

const registries = new WeakMap<object, Map<string, Map<string, FieldDef>>>();

function registryOf(portal: object, code: string): Map<string, FieldDef> {
  let byCode = registries.get(portal);
  if (!byCode) registries.set(portal, (byCode = new Map()));
  let fields = byCode.get(code);
  if (!fields) byCode.set(code, (fields = new Map()));
  return fields;
}

/** The user fields defined for an entity code on a portal, by name. */
export function userFields(portal: object, code: string): ReadonlyMap<string, FieldDef> {
  return registryOf(portal, code);
}

/** Bitrix24's USER_TYPE_ID to the REST type `*.fields` prints. */
const UF_TYPES: Record<string, FieldType> = {
  string: "string",
  integer: "integer",
  double: "double",
  boolean: "boolean",
  date: "date",
  datetime: "datetime",
  enumeration: "enumeration",
  file: "file",
  employee: "user",
};

export const USER_FIELD_TYPES = Object.keys(UF_TYPES);

export interface UserFieldInput {
  /** The full name, UF_… */
  name: string;
  userTypeId: string;
  label: string;
  multiple?: boolean;
  mandatory?: boolean;
}

/** Defines (or redefines) a user field; returns its definition. */
export function defineUserField(portal: object, code: string, input: UserFieldInput): FieldDef {
  const def: FieldDef = {
    type: UF_TYPES[input.userTypeId] ?? "string",
    title: input.name,
    required: input.mandatory ?? false,
    multiple: input.multiple ?? false,
    isDynamic: true,
    attributes: { listLabel: input.label, formLabel: input.label, filterLabel: input.label },
  };
  registryOf(portal, code).set(input.name, def);
  return def;
}

export function removeUserField(portal: object, code: string, name: string): boolean {
  return registryOf(portal, code).delete(name);
}

/** An entity's standard fields followed by its user fields, as one field table. */
export function allFields(portal: object, entity: EntityDef): Record<string, FieldDef> {
  if (!entity.ufCode) return entity.fields as Record<string, FieldDef>;
  const uf = registryOf(portal, entity.ufCode);
  if (uf.size === 0) return entity.fields as Record<string, FieldDef>;
  return { ...entity.fields, ...Object.fromEntries(uf) };
}
