// Calendar events management (OpenIntegrations region `РаботаССобытиямиКалендарей`), opi-bitrix24.md
// §2.20: calendar events (calendar.event.*) and the caller's participation in meetings. An event's
// fields are spread to the top level of the payload, as OpenIntegrations sends them.
import { byId, rest, template, tokenParam, urlParam } from "../define.js";
import { calendarOwnerParam, calendarTypeParam, spreadFieldsParam } from "../params.js";

const region = "Calendar events management";

/** An event as calendar.event.getbyid prints it (fixtures/opi-samples/GetCalendarEvent.json); common fields typed. */
export interface CalendarEvent {
  ID: string;
  PARENT_ID: string;
  CAL_TYPE: string;
  OWNER_ID: string;
  NAME: string;
  DATE_FROM: string;
  DATE_TO: string;
  DESCRIPTION: string;
  SECTION_ID?: string;
  IS_MEETING: boolean;
  [field: string]: unknown;
}

const eventId = { name: "eventId", option: "event", short: "e", field: "id", description: "Event ID" } as const;
const eventFieldsParam = { ...spreadFieldsParam, description: "Event fields (see GetCalendarEventsStructure): JSON object, e.g. {\"type\":\"user\",\"ownerId\":\"1\",\"section\":\"5\",\"name\":\"Meeting\",\"from\":\"2026-01-07 10:00\",\"to\":\"2026-01-07 11:00\"}, or a path to a .json file" } as const;

export const createCalendarEvent = rest<number>()({
  name: "CreateCalendarEvent",
  ru: "СоздатьСобытиеКалендаря",
  region,
  summary: "Creates a calendar event; the result is its ID",
  method: "calendar.event.add",
  replay: "unsafe",
  params: [urlParam, eventFieldsParam, tokenParam()],
});

export const updateCalendarEvent = rest<number>()({
  name: "UpdateCalendarEvent",
  ru: "ИзменитьСобытиеКалендаря",
  region,
  summary: "Changes a calendar event (type and ownerId are required among the fields); the result is its ID",
  method: "calendar.event.update",
  replay: "unsafe", // with attendees or meeting settings a second run invites and notifies again
  params: [urlParam, { ...eventId, kind: "string", required: true }, eventFieldsParam, tokenParam()],
});

export const getCalendarEvent = byId<CalendarEvent>()({
  name: "GetCalendarEvent",
  ru: "ПолучитьСобытиеКалендаря",
  region,
  summary: "Returns a calendar event by ID",
  method: "calendar.event.getbyid",
  replay: "safe",
  readOnly: true,
  id: eventId,
});

export const getCalendarEvents = rest<CalendarEvent[]>()({
  name: "GetCalendarEvents",
  ru: "ПолучитьСобытияКалендарей",
  region,
  summary: "Lists an owner's calendar events; the filter takes only from, to (dates) and section (calendar IDs), as OpenIntegrations",
  method: "calendar.event.get",
  replay: "safe",
  readOnly: true,
  hook: "calendarEventFilter",
  params: [
    urlParam,
    calendarOwnerParam,
    { ...calendarTypeParam, description: "Calendar type: user, group, company_calendar" },
    {
      name: "filter",
      option: "filter",
      short: "f",
      kind: "map",
      field: "filter",
      default: "",
      description: "Filter (see GetCalendarEventsFilterStructure): JSON object, e.g. {\"from\":\"2026-01-07\",\"to\":\"2026-01-08\",\"section\":[\"5\"]}; other keys are ignored",
    },
    tokenParam("k"),
  ],
});

export const deleteCalendarEvent = byId<boolean>()({
  name: "DeleteCalendarEvent",
  ru: "УдалитьСобытиеКалендаря",
  region,
  summary: "Deletes a calendar event",
  method: "calendar.event.delete",
  replay: "unsafe", // a second delete fails
  id: { ...eventId, description: "ID of the event to delete" },
});

export const getUserParticipationStatus = byId<string>()({
  name: "GetUserParticipationStatus",
  ru: "ПолучитьСтатусУчастияПользователя",
  region,
  summary: "Returns the calling user's answer to a meeting: Y (agreed), N (refused), Q (no answer yet), H (host)",
  method: "calendar.meeting.status.get",
  replay: "safe",
  readOnly: true,
  id: { ...eventId, field: "eventId" },
});

export const setUserParticipationStatus = rest<boolean>()({
  name: "SetUserParticipationStatus",
  ru: "УстановитьСтатусУчастияПользователя",
  region,
  summary: "Answers a meeting invitation for the calling user",
  method: "calendar.meeting.status.set",
  replay: "safe",
  params: [
    urlParam,
    { ...eventId, kind: "string", field: "eventId", required: true },
    { name: "status", option: "status", short: "s", kind: "string", field: "status", required: true, description: "Y (agreed), N (refused) or Q (no answer yet)" },
    tokenParam(),
  ],
});

export const getCalendarEventsStructure = template()({
  name: "GetCalendarEventsStructure",
  ru: "ПолучитьСтруктуруСобытияКалендаря",
  region,
  summary: "Builds an event template for CreateCalendarEvent and UpdateCalendarEvent: field -> description (or empty values with --empty true)",
  emptyKind: "boolean",
  fields: {
    type: "<calendar type: user, group, company_calendar>",
    ownerId: "<calendar owner identifier>",
    from: "<event start date and time (as string)>",
    to: "<event end date (as string)>",
    from_ts: "<date and time in timestamp format (instead of from)>",
    to_ts: "<date and time in timestamp format (instead of to)>",
    section: "<calendar identifier>",
    name: "<event name>",
    skip_time: "<pass date value without time in from and to parameters: Y,N>",
    timezone_from: "<start time zone (default - t.z. of the user)>",
    timezone_to: "<end time zone (default - t.z. of the user)>",
    description: "<event description>",
    color: "<event background colour. Symbol # - in unicode format as %23>",
    text_color: "<the colour of the event text. Symbol # - in unicode format as %23>",
    accessibility: "<availability at the time of the event: busy, absent, quest, free>",
    importance: "<importance: high, normal, low>",
    private_event: "<private event: Y,N>",
    rrule: {
      FREQ: "<repetition rate: DAILY, WEEKLY, MONTHLY, YEARLY>",
      COUNT: "<number of repetitions>",
      INTERVAL: "<repetition interval>",
      BYDAY: ["<days of the week: SU, MO, TU, WE, TH, FR, SA>"],
      UNTIL: "<repetition end date>",
    },
    is_meeting: "<flag of meeting with participants: Y,N>",
    location: "<venue>",
    remind: [{ type: "<time type: min, hour, day>", count: "<numeric value of the time interval>" }],
    attendees: "<array of event participant IDs. If is_meeting = Y>",
    host: "<The identifier of the event organiser. If is_meeting = Y>",
    meeting: {
      notify: "<flag for notification of confirmation or cancellation of participants>",
      reinvite: "<flag for requesting re-confirmation of participation when editing an event>",
      allow_invite: "<flag to allow participants to invite others to the event>",
      hide_guests: "<flag to hide the list of participants>",
    },
  },
});

export const getCalendarEventsFilterStructure = template()({
  name: "GetCalendarEventsFilterStructure",
  ru: "ПолучитьСтруктуруФильтраСобытийКалендарей",
  region,
  summary: "Builds a filter template for GetCalendarEvents: key -> description (or empty values with --empty true)",
  emptyKind: "boolean",
  fields: {
    from: "<selection start date. 3 months before the current default>",
    to: "<selection end date. 3 months after the current default>",
    section: "<array of calendar identifiers>",
  },
});

export const calendarEventFunctions = [
  createCalendarEvent,
  updateCalendarEvent,
  getCalendarEvent,
  getCalendarEvents,
  deleteCalendarEvent,
  getUserParticipationStatus,
  setUserParticipationStatus,
  getCalendarEventsStructure,
  getCalendarEventsFilterStructure,
] as const;
