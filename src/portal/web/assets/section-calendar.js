// The page's "Calendar" section (reads /ui/api/section/calendar, built by sections/calendar.ts): a
// week of a user's calendar (all-day events on top, timed ones placed by day and time, meetings
// with the user's answer and every attendee's), a user switcher and the previous / next week
// (#calendar/<userId>/<yyyy-mm-dd>), and today's work day of every user. Every text is escaped.


/** A meeting answer as Bitrix24 words it. */
const STATUS = { H: "host", Y: "accepted", N: "declined", Q: "no answer yet" };
const WORKDAY = { OPENED: "working", PAUSED: "on a break", CLOSED: "closed", EXPIRED: "not closed in time" };
/** Pixels per hour of the week's grid. */
const HOUR = 52;

let shown = "";
export function render(container, data, helpers) {
  const html = data.user ? page(data, helpers) : `<p class="empty">No users on the portal.</p>`;
  if (html === shown && container.firstElementChild?.classList.contains("cal")) return;
  shown = html;
  container.innerHTML = html;
}

function page(data, helpers) {
  const { escapeHtml } = helpers;
  const uid = data.user.id;
  const week = data.week;
  const users = data.users
    .filter((u) => u.active || u.id === uid)
    .map((u) => `<a class="cal-user${u.id === uid ? " selected" : ""}" data-user-id="${u.id}" href="#calendar/${u.id}${week.thisWeek ? "" : `/${week.days[0].date}`}">${escapeHtml(u.name)}</a>`)
    .join("");
  return (
    `<div class="cal" data-user-id="${uid}" data-week="${escapeHtml(week.days[0].date)}">` +
    `<header class="cal-head"><h1>Calendar · <span class="cal-owner">${escapeHtml(data.user.name)}</span></h1>` +
    `<nav class="cal-users" aria-label="Whose calendar">${users}</nav></header>` +
    `<div class="cal-bar"><nav class="cal-nav">` +
    `<a class="cal-prev" href="#calendar/${uid}/${week.prev}" title="Previous week">‹</a>` +
    `<a class="cal-today${week.thisWeek ? " selected" : ""}" href="#calendar/${uid}">Today</a>` +
    `<a class="cal-next" href="#calendar/${uid}/${week.next}" title="Next week">›</a></nav>` +
    `<h2 class="cal-title">${escapeHtml(week.title)}</h2><span class="cal-zone">${escapeHtml(data.user.timeZone)}</span></div>` +
    grid(data, helpers) +
    workdays(data, helpers) +
    `</div>`
  );
}

function attendees(event, { escapeHtml }) {
  return event.attendees.map((a) => `<span class="cal-attendee status-${escapeHtml(a.status)}" data-user-id="${a.id}">${escapeHtml(a.name)}: ${escapeHtml(STATUS[a.status] ?? a.status)}</span>`).join("");
}

function tooltip(event) {
  const lines = [event.name, event.time];
  if (event.location) lines.push(event.location);
  if (event.meeting) {
    lines.push(`Host: ${event.host}`);
    for (const a of event.attendees) lines.push(`${a.name}: ${STATUS[a.status] ?? a.status}`);
  }
  return lines.join("\n");
}

function eventBody(event, helpers) {
  const { escapeHtml } = helpers;
  return (
    `<div class="cal-event-time">${escapeHtml(event.time)}${event.recurring ? ` <span title="repeats">↻</span>` : ""}` +
    (event.meeting ? ` <span class="cal-status status-${escapeHtml(event.status)}">${escapeHtml(STATUS[event.status] ?? event.status)}</span>` : "") +
    `</div>` +
    `<div class="cal-event-name">${escapeHtml(event.name)}</div>` +
    (event.location ? `<div class="cal-event-location">${escapeHtml(event.location)}</div>` : "") +
    (event.meeting ? `<div class="cal-attendees">${attendees(event, helpers)}</div>` : "")
  );
}

function eventAttributes(event, helpers, style, short = false) {
  const { escapeHtml, safeColor } = helpers;
  const colour = safeColor(event.color);
  return (
    ` class="cal-event${event.meeting ? " meeting" : ""}${short ? " short" : ""} status-${escapeHtml(event.status)}" data-event-id="${event.id}" data-status="${escapeHtml(event.status)}"` +
    ` title="${escapeHtml(tooltip(event))}" style="${style}${colour ? `--event-color:${colour};` : ""}"`
  );
}

function grid(data, helpers) {
  const { escapeHtml } = helpers;
  const { from, to } = data.hours;
  const heads = data.week.days
    .map((d) => `<div class="cal-day-head${d.today ? " today" : ""}" data-date="${escapeHtml(d.date)}">${escapeHtml(d.label)}</div>`)
    .join("");
  const allDay = data.allDay
    .map((a) => `<div${eventAttributes(data.events[a.event], helpers, `grid-column:${a.from + 1} / ${a.to + 2};`)}>${eventBody(data.events[a.event], helpers)}</div>`)
    .join("");
  const hours = [];
  for (let h = from; h < to; h++) hours.push(`<div class="cal-hour" style="height:${HOUR}px">${String(h).padStart(2, "0")}:00</div>`);
  const columns = data.week.days
    .map((d, day) => {
      const blocks = data.segments
        .filter((s) => s.day === day)
        .map((s) => {
          const top = ((s.start - from * 60) / 60) * HOUR;
          const height = Math.max(((s.end - s.start) / 60) * HOUR, HOUR / 2) - 2;
          const width = 100 / s.lanes;
          const place = `top:${top.toFixed(1)}px;height:${height.toFixed(1)}px;left:${(s.lane * width).toFixed(2)}%;width:calc(${width.toFixed(2)}% - 3px);`;
          return `<div${eventAttributes(data.events[s.event], helpers, place, s.end - s.start < 45)}>${eventBody(data.events[s.event], helpers)}</div>`;
        })
        .join("");
      return `<div class="cal-day${d.today ? " today" : ""}" data-date="${escapeHtml(d.date)}" style="height:${(to - from) * HOUR}px">${blocks}</div>`;
    })
    .join("");
  return (
    `<div class="cal-week">` +
    `<div class="cal-row"><div class="cal-gutter"></div><div class="cal-days">${heads}</div></div>` +
    `<div class="cal-row cal-allday-row"><div class="cal-gutter">all day</div><div class="cal-days cal-allday">${allDay}</div></div>` +
    `<div class="cal-row cal-body"><div class="cal-gutter">${hours.join("")}</div><div class="cal-days cal-grid" style="--hour:${HOUR}px">${columns}</div></div>` +
    `</div>`
  );
}

function workdays(data, { escapeHtml, avatar }) {
  const rows = data.workdays
    .map((w) => {
      const none = !w.today && w.state === "CLOSED";
      const details = none
        ? `<span class="muted">no work day today${w.date ? ` (last: ${escapeHtml(w.date)})` : ""}</span>`
        : `<span>started <b class="cal-wd-start">${escapeHtml(w.start)}</b></span>` +
          (w.state === "PAUSED" ? `<span>paused at <b>${escapeHtml(w.finish)}</b></span>` : "") +
          (w.state === "CLOSED" ? `<span>closed at <b>${escapeHtml(w.finish)}</b></span>` : "") +
          (w.state === "EXPIRED" ? `<span>opened on ${escapeHtml(w.date)}</span>` : "") +
          `<span>breaks <b class="cal-wd-breaks">${escapeHtml(w.breaks)}</b></span>` +
          `<span>worked <b class="cal-wd-worked">${escapeHtml(w.worked)}</b></span>`;
      return (
        `<li class="cal-workday" data-user-id="${w.userId}" data-state="${escapeHtml(none ? "NONE" : w.state)}">${avatar(w.name, w.color, "cal-avatar")}` +
        `<span class="cal-wd-name">${escapeHtml(w.name)}</span>` +
        `<span class="cal-wd-state state-${escapeHtml(w.state)}">${escapeHtml(none ? "not started" : (WORKDAY[w.state] ?? w.state))}</span>` +
        `<span class="cal-wd-details">${details}</span></li>`
      );
    })
    .join("");
  return `<section class="cal-workdays"><h2>Today's work day · ${escapeHtml(data.today)}</h2><ul>${rows}</ul></section>`;
}
