// The user.* methods: user.current, user.get, user.search, user.add, user.update, user.fields.
// They print users in the upper-case field set of fixtures/opi-samples/GetUser.json and
// GetCurrentUser.json, over the same UserRecords the im.* methods print in lower case, so a user
// added here shows up in chats at once. Fields the im.* side has no place for live in a small
// per-portal profile store kept here.
import { atom } from "../http/dates.js";
import { paged } from "../http/envelope.js";
import { badRequest } from "../http/errors.js";
import { isBlank, textParam, toInt, yesNo } from "../http/params.js";
import type { MethodContext, MethodHandler } from "../http/registry.js";
import type { PortalState, UserRecord } from "../data/state.js";

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

/** Department names for UF_DEPARTMENT_NAME filters (the seed's departments 1-4). */
const DEPARTMENTS: Record<number, string> = { 1: "Example Company", 2: "Sales", 3: "Development", 4: "Accounting" };
const departmentName = (id: number) => DEPARTMENTS[id] ?? `Department ${id}`;

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
    if (!ALWAYS.has(field) && (value === "" || (Array.isArray(value) && value.length === 0))) continue;
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

// ---- Filters (user.get, user.search) ------------------------------------------------------------

const OPERATOR = /^(>=|<=|!=%|!%=|!%|=%|%=|!@|!=|>|<|@|%|=|!)?(.+)$/;
/** user.get parameters that are not field filters. */
const NOT_FILTERS = new Set(["SORT", "ORDER", "START", "FILTER", "ADMIN_MODE", "SELECT", "IMAGE_RESIZE"]);

/** A field as filters see it: text (dates too), numbers for ids, lists for departments. */
function filterable(state: PortalState, user: UserRecord, field: string): unknown {
  if (field === "UF_DEPARTMENT_NAME") return user.departments.map(departmentName);
  if (field === "NAME_SEARCH" || field === "FIND") {
    return [user.firstName, user.lastName, user.email, user.workPosition ?? "", ...user.departments.map(departmentName)].join(" ");
  }
  const value = fieldValue(state, user, field, "list");
  if (field === "USER_TYPE") return profileOf(state, user).userType;
  if (field === "ACTIVE") return user.active ? "Y" : "N";
  return value;
}

function like(haystack: string, needle: string, wildcards: boolean): boolean {
  const h = haystack.toLowerCase();
  const n = needle.toLowerCase();
  if (!wildcards) return h.includes(n);
  const pattern = n.split("%").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${pattern}$`, "s").test(h);
}

function compare(actual: unknown, op: string, expected: unknown): boolean {
  if (Array.isArray(actual)) return op.startsWith("!") ? actual.every((a) => compare(a, op, expected)) : actual.some((a) => compare(a, op, expected));
  const wanted = Array.isArray(expected) ? expected : typeof expected === "object" && expected ? Object.values(expected) : [expected];
  const a = actual === true ? "Y" : actual === false ? "N" : typeof actual === "object" || actual === undefined ? "" : String(actual);
  const matchesAny = (test: (w: string) => boolean) => wanted.some((w) => test(w === true ? "Y" : w === false ? "N" : String(w ?? "")));
  const numeric = (w: string) => (a !== "" && w !== "" && !isNaN(Number(a)) && !isNaN(Number(w)) ? Number(a) - Number(w) : a.localeCompare(w));
  switch (op) {
    case ">": return matchesAny((w) => numeric(w) > 0);
    case ">=": return matchesAny((w) => numeric(w) >= 0);
    case "<": return matchesAny((w) => numeric(w) < 0);
    case "<=": return matchesAny((w) => numeric(w) <= 0);
    case "%": return matchesAny((w) => like(a, w, false));
    case "=%": case "%=": return matchesAny((w) => like(a, w, true));
    case "!%": return !matchesAny((w) => like(a, w, false));
    case "!=%": case "!%=": return !matchesAny((w) => like(a, w, true));
    case "!": case "!=": case "!@": return !matchesAny((w) => a.toLowerCase() === w.toLowerCase());
    default: return matchesAny((w) => a.toLowerCase() === w.toLowerCase());
  }
}

function matches(state: PortalState, user: UserRecord, filter: Record<string, unknown>, textSearch: boolean): boolean {
  for (const [rawKey, expected] of Object.entries(filter)) {
    if (isBlank(expected)) continue;
    const [, op = "", name] = OPERATOR.exec(rawKey.toUpperCase())!;
    // user.search reads its text fields as "contains" (FindUsers' NAME, LAST_NAME, WORK_POSITION…).
    const fuzzy = name === "NAME_SEARCH" || name === "FIND" || (textSearch && op === "" && typeof expected === "string" && name !== "ID" && name !== "USER_TYPE" && name !== "ACTIVE");
    if (!compare(filterable(state, user, name), fuzzy ? "%" : op, expected)) return false;
  }
  return true;
}

// ---- Listing ------------------------------------------------------------------------------------

function params(ctx: MethodContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(ctx.params)) out[key.toUpperCase()] = value;
  return out;
}

function objectParam(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(ctx: MethodContext, filter: Record<string, unknown>, textSearch: boolean) {
  const p = params(ctx);
  const sortField = textParam(p.SORT).toUpperCase() || "ID";
  const descending = textParam(p.ORDER).toUpperCase() === "DESC";
  const start = p.START === -1 || p.START === "-1" ? -1 : (toInt(p.START) ?? 0);

  const found = ctx.state.listUsers().filter((u) => matches(ctx.state, u, filter, textSearch));
  const key = (u: UserRecord) => (sortField === "ID" ? u.id : String(fieldValue(ctx.state, u, sortField, "list") ?? ""));
  found.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const order = typeof ka === "number" && typeof kb === "number" ? ka - kb : String(ka).localeCompare(String(kb)) || a.id - b.id;
    return descending ? -order : order;
  });
  const users = (u: UserRecord[]) => u.map((user) => renderRestUser(ctx.state, user, "list"));
  // start=-1: one page without counting (Bitrix24 then answers total 0 and no next).
  if (start === -1) return paged(users(found.slice(0, PAGE)), 0);
  const page = found.slice(start, start + PAGE);
  const next = start + PAGE < found.length ? start + PAGE : undefined;
  // An empty answer comes without `total` (fixtures/opi-samples/FindUsers.json).
  return paged(users(page), found.length > 0 ? found.length : undefined, next);
}

/** user.get: filters from FILTER and from top-level field names (`ID`, `UF_DEPARTMENT`, `>ID`…). */
const userGet: MethodHandler = (ctx) => {
  const p = params(ctx);
  const filter: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(p)) if (!NOT_FILTERS.has(key)) filter[key] = value;
  return list(ctx, { ...filter, ...objectParam(p.FILTER) }, false);
};

/** user.search: FILTER with NAME, LAST_NAME, WORK_POSITION, UF_DEPARTMENT_NAME, USER_TYPE (contains), FIND. */
const userSearch: MethodHandler = (ctx) => {
  const p = params(ctx);
  const filter = { ...objectParam(p.FILTER) };
  if (!isBlank(p.FIND)) filter.FIND = p.FIND;
  return list(ctx, filter, true);
};

const userCurrent: MethodHandler = (ctx) => {
  const user = ctx.state.getUser(ctx.userId);
  if (!user) throw badRequest("ERROR_CORE", "User not found");
  return renderRestUser(ctx.state, user, "current");
};

const userFields: MethodHandler = () => ({ ...USER_FIELDS });

/** Inviting and editing others takes an administrator (as on Bitrix24, where user.add/update need invite rights). */
function requireAdmin(ctx: MethodContext): void {
  if (!ctx.state.getUser(ctx.userId)?.isAdmin) throw badRequest("ERROR_CORE", "access_denied");
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
