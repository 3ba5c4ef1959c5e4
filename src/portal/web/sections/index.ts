// The page's sections beside the chats: each is a JSON builder here (GET /ui/api/section/<name>,
// query parameters passed on) and a view module (assets/section-<name>.js, `render(container, data,
// helpers)`, optionally with assets/section-<name>.css), redrawn on every portal change while shown.
import type { WebDeps } from "../api.js";
import { calendarSection } from "./calendar.js";
import { crmSection } from "./crm.js";
import { driveSection } from "./drive.js";
import { tasksSection } from "./tasks.js";

export interface Section {
  title: string;
  data: (deps: WebDeps, query: URLSearchParams) => unknown | Promise<unknown>;
}

export const SECTIONS: Record<string, Section> = {
  tasks: { title: "Tasks", data: tasksSection },
  drive: { title: "Drive", data: driveSection },
  crm: { title: "CRM", data: crmSection },
  calendar: { title: "Calendar", data: calendarSection },
};

/** The asset files the sections may load (anything else under /ui/assets/ stays 404). */
export const SECTION_ASSETS = Object.keys(SECTIONS).flatMap((name) => [`section-${name}.js`, `section-${name}.css`]);
