// Users management (OpenIntegrations region `УправлениеПользователями`), opi-bitrix24.md §2.16.
import { rest, template, tokenParam, urlParam } from "../define.js";

const region = "Users management";

/**
 * A user as the `user.*` methods print it (fixtures/opi-samples/GetUser.json, GetCurrentUser.json):
 * upper-case fields, the ID as a string, empty fields left out. Only the common fields are typed.
 */
export interface PortalUser {
  ID: string;
  XML_ID?: string;
  ACTIVE: boolean;
  NAME?: string;
  LAST_NAME?: string;
  SECOND_NAME?: string;
  EMAIL?: string;
  LAST_LOGIN?: string;
  DATE_REGISTER?: string;
  IS_ONLINE?: "Y" | "N";
  PERSONAL_GENDER?: string;
  PERSONAL_BIRTHDAY?: string;
  PERSONAL_MOBILE?: string;
  WORK_POSITION?: string;
  UF_DEPARTMENT?: number[];
  USER_TYPE?: string;
  [field: string]: unknown;
}

const userIdParam = {
  name: "userId",
  option: "userid",
  short: "s",
  kind: "string",
  field: "ID",
  required: true,
  description: "User ID",
} as const;

const fieldsParam = {
  name: "fields",
  option: "fields",
  short: "f",
  kind: "map",
  spread: true,
  required: true,
  nonEmpty: true,
  description: "User fields (see GetUserFieldsStructure): JSON object, e.g. {\"EMAIL\":\"a@b.c\",\"NAME\":\"Ann\",\"UF_DEPARTMENT\":[1]}, or a path to a .json file",
} as const;

export const getCurrentUser = rest<PortalUser>()({
  name: "GetCurrentUser",
  ru: "ПолучитьТекущегоПользователя",
  region,
  summary: "Returns the user the webhook or token acts as",
  method: "user.current",
  replay: "safe",
  readOnly: true,
  params: [urlParam, tokenParam()],
});

export const getUser = rest<PortalUser[]>()({
  name: "GetUser",
  ru: "ПолучитьПользователя",
  region,
  summary: "Returns a user by ID; the result is a list (of one user) with `total`",
  method: "user.get",
  replay: "safe",
  readOnly: true,
  params: [urlParam, userIdParam, tokenParam()],
});

export const createUser = rest<number>()({
  name: "CreateUser",
  ru: "СоздатьПользователя",
  region,
  summary: "Invites a new user (EMAIL is required; UF_DEPARTMENT for an employee); the result is the new user ID",
  method: "user.add",
  replay: "unsafe",
  params: [urlParam, fieldsParam, tokenParam()],
});

export const updateUser = rest<boolean>()({
  name: "UpdateUser",
  ru: "ИзменитьПользователя",
  region,
  summary: "Changes a user's fields",
  method: "user.update",
  replay: "safe",
  params: [urlParam, userIdParam, fieldsParam, tokenParam()],
});

export const changeUserStatus = rest<boolean>()({
  name: "ChangeUserStatus",
  ru: "ИзменитьСтатусПользователя",
  region,
  summary: "Dismisses (--fire true, the default) or re-activates (--fire false) a user: user.update with ACTIVE N or Y",
  method: "user.update",
  replay: "safe",
  params: [
    urlParam,
    userIdParam,
    { name: "fire", option: "fire", short: "f", kind: "flag", field: "ACTIVE", invert: true, default: true, description: "true: dismiss (ACTIVE=N); false: activate (ACTIVE=Y)" },
    tokenParam(),
  ],
});

export const findUsers = rest<PortalUser[]>()({
  name: "FindUsers",
  ru: "НайтиПользователей",
  region,
  summary: "Finds users by a filter (see GetUserFilterStructure); the result is a list, 50 per page",
  method: "user.search",
  replay: "safe",
  readOnly: true,
  params: [
    urlParam,
    { name: "filter", option: "filter", short: "f", kind: "map", field: "FILTER", required: true, description: "Filter: JSON object, e.g. {\"LAST_NAME\":\"Ivanova\"}, or a path to a .json file" },
    tokenParam(),
  ],
});

export const getUserFieldsStructure = rest<Record<string, string>>()({
  name: "GetUserFieldsStructure",
  ru: "ПолучитьСтруктуруПользователя",
  aliases: ["ПолучитьСтурктуруПользователя"], // (sic) OpenIntegrations' earlier spelling
  region,
  summary: "Returns the user fields with their names (for CreateUser and UpdateUser)",
  method: "user.fields",
  replay: "safe",
  readOnly: true,
  params: [urlParam, tokenParam()],
});

export const getUserFilterStructure = template()({
  name: "GetUserFilterStructure",
  ru: "ПолучитьСтруктуруФильтраПользователей",
  region,
  summary: "Builds a filter template for FindUsers: field -> description (or empty values with --empty true)",
  emptyKind: "boolean",
  fields: {
    NAME: "<name>",
    LAST_NAME: "<surname>",
    WORK_POSITION: "<position>",
    UF_DEPARTMENT_NAME: "<department name>",
    USER_TYPE: "<type: employee, extranet, email>",
  },
});

export const userFunctions = [
  getCurrentUser,
  getUser,
  createUser,
  updateUser,
  changeUserStatus,
  findUsers,
  getUserFieldsStructure,
  getUserFilterStructure,
] as const;
