// The user.* methods: user.current, user.get, user.search, user.add, user.update, user.fields.
// They print users in the upper-case field set of fixtures/opi-samples/GetUser.json and
// GetCurrentUser.json, over the same UserRecords the im.* methods print in lower case, so a user
// added here shows up in chats at once. Fields the im.* side has no place for live in a small
// per-portal profile store kept here.
import { atom } from "../http/dates.js";
import { paged } from "../http/envelope.js";
import { badRequest } from "../http/errors.js";
import { isBlank, textParam, toInt, yesNo } from "../http/params.js";
import { callerIsAdmin, scoped, type MethodContext, type MethodHandler } from "../http/registry.js";
import type { PortalState, UserRecord } from "../data/state.js";
import { parseFilter, parseOrder, readStart, resolveSelect, runQuery } from "../engine/query.js";
import { lowerBound, type RowSource } from "../engine/store.js";
import type { EntityDef, FieldDef, FieldType, Row } from "../engine/types.js";
import { departmentName } from "../data/departments.js";

/** Every user field with its title, in Bitrix24's order (user.fields; the order users print in). */
const USER_FIELDS: Record<string, string> = {
  ID: "ID",
  XML_ID: "External ID",
  ACTIVE: "Active",
  NAME: "First name",
  LAST_NAME: "Last name",
  SECOND_NAME: "Second name",
  TITLE: "User list",
  EMAIL: "E-Mail",
  LAST_LOGIN: "Last login",
  DATE_REGISTER: "Registration date",
  TIME_ZONE: "TIME_ZONE",
  IS_ONLINE: "IS_ONLINE",
  TIMESTAMP_X: "TIMESTAMP_X",
  LAST_ACTIVITY_DATE: "LAST_ACTIVITY_DATE",
  PERSONAL_GENDER: "Gender",
  PERSONAL_PROFESSION: "Profession",
  PERSONAL_WWW: "Personal web page",
  PERSONAL_BIRTHDAY: "Date of birth",
  PERSONAL_PHOTO: "Photo",
  PERSONAL_ICQ: "ICQ",
  PERSONAL_PHONE: "Personal phone",
  PERSONAL_FAX: "Fax",
  PERSONAL_MOBILE: "Personal mobile",
  PERSONAL_PAGER: "Pager",
  PERSONAL_STREET: "Street",
  PERSONAL_CITY: "City",
  PERSONAL_STATE: "Region",
  PERSONAL_ZIP: "Zip code",
  PERSONAL_COUNTRY: "Country",
  PERSONAL_MAILBOX: "Mailbox",
  PERSONAL_NOTES: "Additional notes",
  WORK_PHONE: "Company phone",
  WORK_COMPANY: "Company",
  WORK_POSITION: "Position",
  WORK_DEPARTMENT: "Department",
  WORK_WWW: "Company web site",
  WORK_FAX: "WORK_FAX",
  WORK_PAGER: "WORK_PAGER",
  WORK_STREET: "WORK_STREET",
  WORK_MAILBOX: "WORK_MAILBOX",
  WORK_CITY: "Work city",
  WORK_STATE: "WORK_STATE",
  WORK_ZIP: "WORK_ZIP",
  WORK_COUNTRY: "WORK_COUNTRY",
  WORK_PROFILE: "WORK_PROFILE",
  WORK_LOGO: "WORK_LOGO",
  WORK_NOTES: "WORK_NOTES",
  UF_SKYPE_LINK: "Skype chat link",
  UF_ZOOM: "Zoom",
  UF_EMPLOYMENT_DATE: "Employment date",
  UF_TIMEMAN: "Time tracking",
  UF_DEPARTMENT: "Departments",
  UF_INTERESTS: "Interests",
  UF_SKILLS: "Skills",
  UF_WEB_SITES: "Other websites",
  UF_XING: "Xing",
  UF_LINKEDIN: "LinkedIn",
  UF_FACEBOOK: "Facebook",
  UF_TWITTER: "Twitter",
  UF_SKYPE: "Microsoft Teams",
  UF_DISTRICT: "District",
  UF_PHONE_INNER: "Extension number",
  USER_TYPE: "USER_TYPE",
};

/** Printed even when empty (as "" or []); every other field only when it has a value. */
const ALWAYS = new Set(["ID", "XML_ID", "ACTIVE", "NAME", "LAST_NAME", "EMAIL", "LAST_LOGIN", "DATE_REGISTER", "IS_ONLINE", "TIMESTAMP_X", "PERSONAL_GENDER", "PERSONAL_BIRTHDAY", "UF_EMPLOYMENT_DATE", "UF_DEPARTMENT"]);
/** Set by the portal, never by user.add / user.update. */
const READ_ONLY = new Set(["ID", "TITLE", "LAST_LOGIN", "DATE_REGISTER", "IS_ONLINE", "TIMESTAMP_X", "LAST_ACTIVITY_DATE", "USER_TYPE"]);

/** The portal a listed user row belongs to, for UF_DEPARTMENT_NAME (names from department.*). */
const portalOfRow = new WeakMap<Row, PortalState>();
const departmentNamesOf = (row: Row) => departmentsOf(row).map((id) => { const state = portalOfRow.get(row); return state ? departmentName(state, id) : ""; });

const PAGE = 50;
const COLORS = ["#df532d", "#ab7761", "#728f7a", "#29619b", "#4ba984", "#8474c8", "#e89d2a"];

// ---- The profile store: what user.* knows beyond UserRecord -------------------------------------

export type UserProfile = Profile & { userId: number };

interface Profile {
  xmlId: string;
  dateRegister: Date;
  lastLogin: Date | null;
  updatedAt: Date;
  timeZone: string;
  userType: "employee" | "extranet" | "email";
  /** PERSONAL_BIRTHDAY as given ("YYYY-MM-DD…"); UserRecord keeps only "DD-MM" for im.*. */
  birthDate: string;
  /** Every other writable field, by name. */
  fields: Record<string, unknown>;
}

// Keyed by the portal's state, so every portal has its own and nothing is added to PortalState.
const profilesByPortal = new WeakMap<PortalState, Map<number, Profile>>();

function profileOf(state: PortalState, user: UserRecord): Profile {
  let profiles = profilesByPortal.get(state);
  if (!profiles) profilesByPortal.set(state, (profiles = new Map()));
  let profile = profiles.get(user.id);
  if (!profile) {
    // A seeded user: registered at start-up, last seen now.
    const now = state.now();
    profile = { xmlId: String(53_818_296 + user.id), dateRegister: now, lastLogin: user.lastActivity, updatedAt: now, timeZone: "UTC", userType: "employee", birthDate: "", fields: {} };
    profiles.set(user.id, profile);
  }
  return profile;
}

/** The profiles of a portal's users, for persistence.ts (read them, do not change them). */
export function exportProfiles(state: PortalState): UserProfile[] {
  return [...(profilesByPortal.get(state) ?? new Map<number, Profile>())].map(([userId, profile]) => ({ userId, ...profile }));
}

/** Replaces a portal's profiles with saved ones. */
export function importProfiles(state: PortalState, saved: UserProfile[]): void {
  profilesByPortal.set(state, new Map(saved.map(({ userId, ...profile }) => [userId, profile])));
}

// ---- Rendering ----------------------------------------------------------------------------------

type Shape = "current" | "list";

const pad = (n: number) => String(n).padStart(2, "0");
const dateOnly = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const clock = (d: Date) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;

/** A field's value for a user, or undefined when it has none. */
function fieldValue(state: PortalState, user: UserRecord, field: string, shape: Shape): unknown {
  const profile = profileOf(state, user);
  switch (field) {
    case "ID":
      return String(user.id);
    case "XML_ID":
      return profile.xmlId;
    case "ACTIVE":
      return user.active;
    case "NAME":
      return user.firstName;
    case "LAST_NAME":
      return user.lastName;
    case "EMAIL":
      return user.email;
    case "LAST_LOGIN":
      return profile.lastLogin ? atom(profile.lastLogin) : "";
    case "DATE_REGISTER":
      return `${dateOnly(profile.dateRegister)}T00:00:00+00:00`;
    case "TIME_ZONE":
      return shape === "current" ? profile.timeZone : undefined;
    case "IS_ONLINE":
      return user.active && user.status === "online" ? "Y" : "N";
    case "TIMESTAMP_X":
      // user.current prints the site format; user.get prints the PHP date object, which JSON-encodes
      // as {} (both as in the samples).
      return shape === "current" ? `${pad(profile.updatedAt.getUTCDate())}.${pad(profile.updatedAt.getUTCMonth() + 1)}.${profile.updatedAt.getUTCFullYear()} ${clock(profile.updatedAt)}` : {};
    case "LAST_ACTIVITY_DATE":
      return shape === "current" ? `${dateOnly(user.lastActivity)} ${clock(user.lastActivity)}` : undefined;
    case "PERSONAL_GENDER":
      return user.gender;
    case "PERSONAL_BIRTHDAY":
      return birthday(profile, user);
    case "PERSONAL_WWW":
      return user.website;
    case "PERSONAL_MOBILE":
      return user.phones?.personal_mobile;
    case "WORK_PHONE":
      return user.phones?.work_phone;
    case "UF_PHONE_INNER":
      return user.phones?.inner_phone;
    case "WORK_POSITION":
      return user.workPosition ?? undefined;
    case "UF_EMPLOYMENT_DATE":
      return profile.fields.UF_EMPLOYMENT_DATE ?? "";
    case "UF_DEPARTMENT":
      return [...user.departments];
    case "PERSONAL_PHOTO":
      // user.current always has it (a link, or "" for a user without a photo); lists only with a photo.
      return profile.fields.PERSONAL_PHOTO ?? (shape === "current" ? "" : undefined);
    case "USER_TYPE":
      return shape === "list" ? profile.userType : undefined;
    default:
      return profile.fields[field];
  }
}

/** ATOM at midnight; seed users have only "DD-MM", so their year is a placeholder (2000). */
function birthday(profile: Profile, user: UserRecord): string {
  if (profile.birthDate) return `${profile.birthDate.slice(0, 10)}T00:00:00+00:00`;
  const dm = /^(\d\d)-(\d\d)$/.exec(user.birthday);
  return dm ? `2000-${dm[2]}-${dm[1]}T00:00:00+00:00` : "";
}

export function renderRestUser(state: PortalState, user: UserRecord, shape: Shape): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of Object.keys(USER_FIELDS)) {
    const value = fieldValue(state, user, field, shape);
    if (value === undefined || value === null) continue;
    const always = ALWAYS.has(field) || (shape === "current" && field === "PERSONAL_PHOTO");
    if (!always && (value === "" || (Array.isArray(value) && value.length === 0))) continue;
    out[field] = value;
  }
  return out;
}

// ---- Writing fields -----------------------------------------------------------------------------

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function departmentIds(value: unknown): number[] {
  const list = Array.isArray(value) ? value : typeof value === "object" && value ? Object.values(value) : [value];
  return list.map(toInt).filter((id): id is number => id !== null && id > 0);
}

/** Applies user.add / user.update fields; unknown and read-only names are ignored, as Bitrix24 does. */
function applyFields(state: PortalState, user: UserRecord, fields: Record<string, unknown>): void {
  const profile = profileOf(state, user);
  const phones = () => (user.phones ??= { work_phone: "", personal_mobile: "", inner_phone: "" });
  for (const [name, value] of Object.entries(fields)) {
    const key = name.toUpperCase();
    if (READ_ONLY.has(key) || !(key in USER_FIELDS)) continue;
    const text = textParam(value);
    switch (key) {
      case "NAME": user.firstName = text; break;
      case "LAST_NAME": user.lastName = text; break;
      case "EMAIL": user.email = text; break;
      case "ACTIVE": user.active = yesNo(value, user.active); break;
      case "WORK_POSITION": user.workPosition = text || null; break;
      case "PERSONAL_GENDER": user.gender = text === "M" || text === "F" ? text : ""; break;
      case "PERSONAL_WWW": user.website = text; break;
      case "PERSONAL_MOBILE": phones().personal_mobile = text; break;
      case "WORK_PHONE": phones().work_phone = text; break;
      case "UF_PHONE_INNER": phones().inner_phone = text; break;
      case "UF_DEPARTMENT": user.departments = departmentIds(value); break;
      case "PERSONAL_BIRTHDAY": {
        // ISO ("1990-03-14…") or the site format ("14.03.1990").
        const iso = /^(\d{4})-(\d\d)-(\d\d)/.exec(text);
        const site = /^(\d\d)\.(\d\d)\.(\d{4})$/.exec(text);
        const [year, month, day] = iso ? [iso[1], iso[2], iso[3]] : site ? [site[3], site[2], site[1]] : [];
        profile.birthDate = year ? `${year}-${month}-${day}` : "";
        user.birthday = year ? `${day}-${month}` : "";
        break;
      }
      case "XML_ID": profile.xmlId = text; break;
      case "TIME_ZONE": profile.timeZone = text; break;
      default: profile.fields[key] = value;
    }
  }
  profile.updatedAt = state.now();
}

// ---- Listing (user.get, user.search) on the engine's query engine ------------------------------

const DATE_FIELDS = new Set(["PERSONAL_BIRTHDAY", "UF_EMPLOYMENT_DATE"]);
const DATETIME_FIELDS = new Set(["LAST_LOGIN", "DATE_REGISTER", "TIMESTAMP_X", "LAST_ACTIVITY_DATE"]);

function userFieldDef(name: string, title: string): FieldDef {
  const type: FieldType = name === "ID" ? "integer" : name === "UF_DEPARTMENT" ? "integer" : name === "ACTIVE" || name === "IS_ONLINE" ? "char" : DATE_FIELDS.has(name) ? "date" : DATETIME_FIELDS.has(name) ? "datetime" : "string";
  return { type, title, readOnly: READ_ONLY.has(name), multiple: name === "UF_DEPARTMENT", isDynamic: name.startsWith("UF_") };
}

/** Users as the engine sees them: rows are the users as user.get prints them. */
export const userEntity: EntityDef = {
  name: "user",
  ufCode: "USER",
  version: 1,
  fields: Object.fromEntries(Object.entries(USER_FIELDS).map(([name, title]) => [name, userFieldDef(name, title)])),
  filterOnly: {
    UF_DEPARTMENT_NAME: { type: "string", value: departmentNamesOf },
    NAME_SEARCH: { type: "string", value: searchText },
    FIND: { type: "string", value: searchText },
  },
};

function departmentsOf(row: Row): number[] {
  return Array.isArray(row.UF_DEPARTMENT) ? (row.UF_DEPARTMENT as unknown[]).map(Number) : [];
}

function searchText(row: Row): string {
  return [row.NAME, row.LAST_NAME, row.SECOND_NAME, row.EMAIL, row.WORK_POSITION, ...departmentNamesOf(row)].filter((v) => typeof v === "string" && v !== "").join(" ");
}

/** The portal's users as a row source, in ID order. */
function userSource(state: PortalState): RowSource {
  const users = state.listUsers();
  const ids = users.map((u) => u.id);
  const byId = new Map(users.map((u) => [u.id, u]));
  const rows = new Map<number, Row>();
  return {
    idsBetween(lo, hi) {
      const from = lowerBound(ids, lo);
      const to = lowerBound(ids, hi + 1);
      return { length: Math.max(0, to - from), at: (i) => ids[from + i] };
    },
    get(id) {
      let row = rows.get(id);
      const user = byId.get(id);
      if (!row && user) {
        rows.set(id, (row = renderRestUser(state, user, "list")));
        portalOfRow.set(row, state);
      }
      return row;
    },
  };
}

/** The user dialect: upper-case parameter names (any case given), blank filter values ignored. */
function params(ctx: MethodContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(ctx.params)) out[key.toUpperCase()] = value;
  return out;
}

function objectParam(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

const FIELD_KEY = /^(!><|><|!=%|!%=|!@|!%|!=|>=|<=|=%|%=|>|<|@|%|=|!)?(.+)$/s;

/** Top-level parameters that name a user field (with any filter prefix): user.get's filter without FILTER. */
function topLevelFilter(p: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(p)) {
    const name = FIELD_KEY.exec(key)![2];
    if (name in userEntity.fields || name in userEntity.filterOnly!) out[key] = value;
  }
  return out;
}

function list(ctx: MethodContext, filter: Record<string, unknown>) {
  const p = params(ctx);
  const queryFields = { fields: userEntity.fields, filterOnly: userEntity.filterOnly };
  // `sort` + `order` ("ASC"/"DESC") as documented; an `order` object ({ID: "ASC"}) as list helpers send it.
  const order = objectParam(p.ORDER) ? parseOrder(p.ORDER, queryFields) : parseOrder({ [textParam(p.SORT) || "ID"]: textParam(p.ORDER) || "ASC" }, queryFields);
  const start = readStart(p.START);
  const page = runQuery(userSource(ctx.state), queryFields, { filter: parseFilter(filter, queryFields, { blankValues: "ignore" }), order, start });
  const given = p.SELECT;
  const selected = isBlank(given) || (Array.isArray(given) && given.length === 0) ? undefined : new Set(resolveSelect(given, userEntity.fields, [], ["ID"], true));
  const items = page.rows.map((row) => (selected ? Object.fromEntries(Object.entries(row).filter(([key]) => selected.has(key))) : row));
  // start=-1: one page without counting (total 0, no next); an empty answer comes without `total`
  // (fixtures/opi-samples/FindUsers.json).
  if (start === -1) return paged(items, 0);
  return paged(items, page.total > 0 ? page.total : undefined, page.next);
}

/** user.get: the filter is FILTER when given, else the top-level parameters that name user fields (`ID`, `>ID`, `UF_DEPARTMENT`…); anything else is ignored. */
const userGet: MethodHandler = scoped("user", (ctx) => {
  const p = params(ctx);
  return list(ctx, objectParam(p.FILTER) ?? topLevelFilter(p));
});

/** Fields user.search reads as "contains" when given without a prefix (fast search by personal data). */
const NOT_FUZZY = new Set(["ID", "USER_TYPE", "ACTIVE", "IS_ONLINE", "UF_DEPARTMENT"]);

/** user.search: user.get's filter (FILTER, else top-level fields, FIND), text fields matched as "contains". */
const userSearch: MethodHandler = scoped("user", (ctx) => {
  const p = params(ctx);
  const given = { ...(objectParam(p.FILTER) ?? topLevelFilter(p)) };
  if (!isBlank(p.FIND) && given.FIND === undefined) given.FIND = p.FIND;
  const filter: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    const [, op, name] = FIELD_KEY.exec(key.toUpperCase())!;
    const fuzzy = !op && typeof value === "string" && !NOT_FUZZY.has(name);
    filter[fuzzy ? `%${name}` : key] = value;
  }
  return list(ctx, filter);
});

const userCurrent: MethodHandler = (ctx) => {
  const user = ctx.state.getUser(ctx.userId);
  if (!user) throw badRequest("ERROR_CORE", "User not found");
  return renderRestUser(ctx.state, user, "current");
};

const userFields: MethodHandler = () => ({ ...USER_FIELDS });

/** Inviting and editing others takes an administrator (as on Bitrix24, where user.add/update need invite rights). */
function requireAdmin(ctx: MethodContext): void {
  if (!callerIsAdmin(ctx)) throw badRequest("ERROR_CORE", "access_denied");
}

const userAdd: MethodHandler = (ctx) => {
  requireAdmin(ctx);
  const p = params(ctx);
  const email = textParam(p.EMAIL);
  if (!EMAIL.test(email)) throw badRequest("ERROR_ARGUMENT", "wrong_email");
  if (ctx.state.listUsers().some((u) => u.email.toLowerCase() === email.toLowerCase())) {
    throw badRequest("ERROR_ARGUMENT", "A user with this e-mail address already exists");
  }
  const id = Math.max(0, ...ctx.state.listUsers().map((u) => u.id)) + 1;
  const now = ctx.state.now();
  const user = ctx.state.addUser({
    id,
    active: true,
    firstName: "",
    lastName: "",
    email,
    workPosition: null,
    gender: "",
    birthday: "",
    color: COLORS[id % COLORS.length],
    departments: [],
    phones: null,
    website: "",
    isAdmin: false,
    // Invited, never logged in.
    status: "offline",
    lastActivity: now,
  });
  const profile = profileOf(ctx.state, user);
  Object.assign(profile, { xmlId: String(69_815_000 + id), dateRegister: now, lastLogin: null });
  if (yesNo(p.EXTRANET, false)) profile.userType = "extranet";
  applyFields(ctx.state, user, p);
  ctx.state.changes?.emit({ kind: "user", action: "add" });
  return id;
};

const userUpdate: MethodHandler = (ctx) => {
  const p = params(ctx);
  const id = toInt(p.ID);
  const user = id ? ctx.state.getUser(id) : undefined;
  // Bitrix24 answers a wrong ID and missing rights alike.
  if (!user) throw badRequest("ERROR_CORE", "access_denied");
  if (user.id !== ctx.userId) requireAdmin(ctx);
  if (!isBlank(p.EMAIL) && !EMAIL.test(textParam(p.EMAIL))) throw badRequest("ERROR_CORE", "wrong_email");
  applyFields(ctx.state, user, p);
  ctx.state.changes?.emit({ kind: "user", action: "update" });
  return true;
};

export const userMethods: Record<string, MethodHandler> = {
  "user.current": userCurrent,
  "user.get": userGet,
  "user.search": userSearch,
  "user.add": userAdd,
  "user.update": userUpdate,
  "user.fields": userFields,
};
