// Calendars management (OpenIntegrations region `РаботаСКалендарями`), opi-bitrix24.md §2.19:
// calendar sections (calendar.section.*), a user's busy times and calendar settings. A calendar's
// fields are spread to the top level of the payload, as OpenIntegrations sends them.
import { rest, template, tokenParam, urlParam } from "../define.js";
import { calendarOwnerParam, calendarTypeParam, spreadFieldsParam } from "../params.js";

const region = "Calendars management";

/** A calendar (section) as calendar.section.get prints it (fixtures/opi-samples/GetCalendarList.json). */
export interface Calendar {
  ID: string;
  NAME: string;
  DESCRIPTION: string;
  COLOR: string;
  TEXT_COLOR: string;
  CAL_TYPE: string;
  OWNER_ID: string;
  CREATED_BY: string;
  DATE_CREATE: string;
  [field: string]: unknown;
}

/** A busy interval as calendar.accessibility.get prints it per user ID (fixtures GetUserBusy.json). */
export type UserBusy = Record<string, Array<Record<string, unknown>>>;

const calendarIdParam = { name: "calendarId", option: "calendar", short: "c", kind: "string", field: "id", required: true, description: "Calendar ID" } as const;
const calendarFieldsParam = { ...spreadFieldsParam, description: "Calendar fields (see GetCalendarStructure): JSON object, e.g. {\"type\":\"user\",\"ownerId\":\"1\",\"name\":\"Team\"}, or a path to a .json file" } as const;

export const getCalendarList = rest<Calendar[]>()({
  name: "GetCalendarList",
  ru: "ПолучитьСписокКалендарей",
  region,
  summary: "Lists the calendars of an owner (a user's, a workgroup's, the company's)",
  method: "calendar.section.get",
  replay: "safe",
  readOnly: true,
  params: [urlParam, calendarOwnerParam, calendarTypeParam, tokenParam("k")],
});

export const createCalendar = rest<number>()({
  name: "CreateCalendar",
  ru: "СоздатьКалендарь",
  region,
  summary: "Creates a calendar; the result is its ID",
  method: "calendar.section.add",
  replay: "unsafe",
  params: [urlParam, calendarFieldsParam, tokenParam()],
});

export const updateCalendar = rest<number>()({
  name: "UpdateCalendar",
  ru: "ИзменитьКалендарь",
  region,
  summary: "Changes a calendar (type and ownerId are required among the fields); the result is its ID",
  method: "calendar.section.update",
  replay: "safe",
  params: [urlParam, calendarIdParam, calendarFieldsParam, tokenParam()],
});

export const deleteCalendar = rest<boolean>()({
  name: "DeleteCalendar",
  ru: "УдалитьКалендарь",
  region,
  summary: "Deletes a calendar with its events",
  method: "calendar.section.delete",
  replay: "unsafe", // a second delete fails
  params: [urlParam, calendarIdParam, calendarOwnerParam, { ...calendarTypeParam, description: "Calendar type: user, group" }, tokenParam("k")],
});

export const getUserBusy = rest<UserBusy>()({
  name: "GetUserBusy",
  ru: "ПолучитьЗанятостьПользователей",
  region,
  summary: "Returns the users' busy intervals between two dates, by user ID",
  method: "calendar.accessibility.get",
  replay: "safe",
  readOnly: true,
  params: [
    urlParam,
    { name: "users", option: "users", short: "s", kind: "array", items: "scalar", field: "users", check: "userIds", required: true, nonEmpty: true, description: "User ID or JSON list of user IDs" },
    { name: "from", option: "from", short: "f", kind: "date", field: "from", required: true, description: "First day of the period (sent as yyyy-MM-dd)" },
    { name: "to", option: "to", short: "t", kind: "date", field: "to", required: true, description: "Last day of the period (sent as yyyy-MM-dd)" },
    tokenParam("k"),
  ],
});

export const getCustomCalendarSettings = rest<Record<string, unknown>>()({
  name: "GetCustomCalendarSettings",
  ru: "ПолучитьПользовательскиеНастройкиКалендаря",
  region,
  summary: "Returns the calling user's calendar settings",
  method: "calendar.user.settings.get",
  http: "GET",
  replay: "safe",
  readOnly: true,
  params: [urlParam, tokenParam()],
});

export const setCustomCalendarSettings = rest<boolean>()({
  name: "SetCustomCalendarSettings",
  ru: "УстановитьПользовательскиеНастройкиКалендаря",
  region,
  summary: "Sets the calling user's calendar settings (see GetCalednarCustomSettingsStructure)",
  method: "calendar.user.settings.set",
  replay: "safe",
  params: [
    urlParam,
    { name: "settings", option: "settings", short: "s", kind: "map", field: "settings", required: true, nonEmpty: true, description: "Settings: JSON object, e.g. {\"view\":\"month\",\"showDeclined\":\"Y\"}, or a path to a .json file" },
    tokenParam(),
  ],
});

export const getCalendarSettingsStructure = rest<Record<string, unknown>>()({
  name: "GetCalendarSettingsStructure",
  ru: "ПолучитьСтруктуруНастроекКалендаря",
  region,
  summary: "Returns the portal's general calendar settings (work hours, holidays, week start)",
  method: "calendar.settings.get",
  http: "GET",
  replay: "safe",
  readOnly: true,
  params: [urlParam, tokenParam()],
});

const reminder = { type: "<reminder time type: min, hour, day>", count: "<numeric value of the time interval>" } as const;

export const getCalednarCustomSettingsStructure = template()({
  name: "GetCalednarCustomSettingsStructure", // (sic) OpenIntegrations' name
  ru: "ПолучитьСтруктуруПользовательскихНастроекКалендаря",
  aliases: ["ПолучитьСтруктуруПользовательскихНастроекКаледнаря"], // (sic) OpenIntegrations' earlier spelling
  region,
  summary: "Builds a settings template for SetCustomCalendarSettings: setting -> description (or empty values with --empty true)",
  emptyKind: "boolean",
  fields: {
    view: "<standard presentation: day, week, month, list>",
    meetSection: "<invitation calendar>",
    crmSection: "<calendar for CRM>",
    showDeclined: "<show rejected events>",
    denyBusyInvitation: "<disallow invitations to an event if the time is full>",
    collapseOffHours: "<hide off hours: Y,N>",
    showWeekNumbers: "<show week number: Y,N>",
    showTasks: "<display tasks: Y,N>",
    syncTasks: "<synchronise the task calendar: Y,N>",
    showCompletedTasks: "<display completed tasks: Y,N>",
    lastUsedSection: "<default event calendar>",
    sendFromEmail: "<E-mail for sending invitations>",
    defaultSections: "<preset calendar settings>",
    syncPeriodPast: "<number of months to synchronise in the past period>",
    syncPeriodFuture: "<number of months to synchronise in the future period>",
    defaultReminders: { fullDay: [reminder], withTime: [reminder] },
  },
});

export const getCalendarStructure = template()({
  name: "GetCalendarStructure",
  ru: "ПолучитьСтруктуруКалендаря",
  region,
  summary: "Builds a calendar template for CreateCalendar and UpdateCalendar: field -> description (or empty values with --empty true)",
  emptyKind: "boolean",
  fields: {
    type: "<calendar type: user, group)>",
    ownerId: "<owner identifier>",
    name: "<calendars name>",
    description: "<calendar description>",
    color: "<calendar color>",
    text_color: "<calendar text color>",
    export: { ALLOW: "<calendar export permission (bool)>", SET: "<export period: all, 3_9 (example: 3 months before and 9 after)>" },
  },
});

export const calendarFunctions = [
  getCalendarList,
  createCalendar,
  updateCalendar,
  deleteCalendar,
  getUserBusy,
  getCustomCalendarSettings,
  setCustomCalendarSettings,
  getCalendarSettingsStructure,
  getCalednarCustomSettingsStructure,
  getCalendarStructure,
] as const;
