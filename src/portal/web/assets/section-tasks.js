// The page's "Tasks" section (reads /ui/api/section/tasks, see sections/tasks.ts): the task list
// with a filter by status and responsible (#tasks, #tasks/list?status=3&responsible=2), one task
// (#tasks/<id>: description, people, checklist, results, comments, time spent, files, history),
// a group's kanban (#tasks/kanban/<groupId>) and a user's "My plan" (#tasks/plan/<userId>).
// Every text from a record goes through escapeHtml (or bbcodeToHtml, which escapes); links are
// the page's own hashes built from numbers, or same-origin download links through safeUrl.
import { formatSize } from "./rich.js";


const num = (value) => (Number.isFinite(Number(value)) ? Number(value) : 0);

export function render(container, data, helpers) {
  const { escapeHtml } = helpers;
  let body;
  if (data.view === "list") body = list(data, helpers);
  else if (data.view === "task") body = task(data, helpers);
  else if (data.view === "kanban" || data.view === "plan") body = board(data, helpers);
  else body = `${nav(data, helpers)}<p class="empty">Not found: ${escapeHtml(data.what ?? "")}</p>`;
  container.innerHTML = `<div class="tasks-section" data-view="${escapeHtml(data.view ?? "")}">${body}</div>`;
  wire(container);
}

/** Filter and board pickers change the address; app.js redraws on hashchange. */
function wire(container) {
  const filter = () => {
    const status = container.querySelector("#tasks-status")?.value ?? "";
    const responsible = container.querySelector("#tasks-responsible")?.value ?? "";
    const query = new URLSearchParams();
    if (status) query.set("status", status);
    if (responsible) query.set("responsible", responsible);
    location.hash = query.size > 0 ? `#tasks/list?${query}` : "#tasks";
  };
  container.querySelector("#tasks-status")?.addEventListener("change", filter);
  container.querySelector("#tasks-responsible")?.addEventListener("change", filter);
  container.querySelector("#tasks-plan")?.addEventListener("change", (event) => {
    if (event.target.value) location.hash = `#tasks/plan/${num(event.target.value)}`;
  });
}

// ---- pieces ----

function when(date, { dayOf, timeOf }) {
  return date ? `${dayOf(date)} ${timeOf(date)}` : "";
}

function person(user, { escapeHtml, avatar }) {
  if (!user) return `<span class="muted">—</span>`;
  return `<span class="task-person" data-user-id="${num(user.id)}">${avatar(user.name, null, "avatar task-avatar")}<span class="task-person-name">${escapeHtml(user.name)}</span></span>`;
}

function status(s, overdue, { escapeHtml }) {
  return `<span class="task-status task-status-${num(s.id)}${overdue ? " task-overdue" : ""}" data-status="${num(s.id)}">${escapeHtml(s.name)}${overdue ? " · overdue" : ""}</span>`;
}

function deadline(t, helpers) {
  return t.deadline ? `<time class="task-deadline${t.overdue ? " task-overdue" : ""}" datetime="${helpers.escapeHtml(t.deadline)}">${helpers.escapeHtml(when(t.deadline, helpers))}</time>` : `<span class="muted">no deadline</span>`;
}

function progress(c) {
  if (!c || !c.total) return "";
  return `<span class="task-progress" title="checklist">☑ ${num(c.done)}/${num(c.total)}</span>`;
}

/** The section's own navigation: the list, each group's kanban, a user's "My plan". */
function nav(data, { escapeHtml }) {
  const view = data.view;
  const groups = (data.groups ?? []).map((g) => `<a class="tasks-tab${view === "kanban" && data.owner?.id === g ? " selected" : ""}" href="#tasks/kanban/${num(g)}">Kanban · Group ${num(g)}</a>`).join("");
  const planOf = view === "plan" ? data.owner?.id : null;
  const users = (data.users ?? []).map((u) => `<option value="${num(u.id)}"${u.id === planOf ? " selected" : ""}>${escapeHtml(u.name)}</option>`).join("");
  return (
    `<nav class="tasks-nav"><a class="tasks-tab${view === "list" ? " selected" : ""}" href="#tasks">List</a>${groups}` +
    `<label class="tasks-tab${view === "plan" ? " selected" : ""}">My plan of <select id="tasks-plan"><option value="">…</option>${users}</select></label></nav>`
  );
}

// ---- the list ----

function list(data, helpers) {
  const { escapeHtml } = helpers;
  const option = (value, name, selected) => `<option value="${num(value)}"${selected ? " selected" : ""}>${escapeHtml(name)}</option>`;
  const filters =
    `<div class="tasks-filter"><label>Status <select id="tasks-status"><option value="">any</option>${data.statuses.map((s) => option(s.id, s.name, s.id === data.filter.status)).join("")}</select></label>` +
    `<label>Responsible <select id="tasks-responsible"><option value="">anyone</option>${data.users.map((u) => option(u.id, u.name, u.id === data.filter.responsible)).join("")}</select></label></div>`;
  const rows = data.tasks
    .map(
      (t) =>
        `<tr class="task-row" data-task-id="${num(t.id)}"><td class="task-id">${num(t.id)}</td>` +
        `<td class="task-title"><a href="#tasks/${num(t.id)}">${escapeHtml(t.title)}</a>${t.groupId ? ` <a class="task-group" href="#tasks/kanban/${num(t.groupId)}">Group ${num(t.groupId)}</a>` : ""} ${progress(t.checklist)}${t.comments ? ` <span class="task-comments">${num(t.comments)} comment${t.comments === 1 ? "" : "s"}</span>` : ""}</td>` +
        `<td>${status(t.status, t.overdue, helpers)}</td><td>${person(t.responsible, helpers)}</td><td>${deadline(t, helpers)}</td></tr>`,
    )
    .join("");
  const table = data.tasks.length
    ? `<table class="tasks-table"><thead><tr><th>ID</th><th>Task</th><th>Status</th><th>Responsible</th><th>Deadline</th></tr></thead><tbody>${rows}</tbody></table>`
    : `<p class="empty">No tasks${data.filter.status || data.filter.responsible ? " match the filter" : " yet: add one with tasks.task.add"}.</p>`;
  return `${nav(data, helpers)}<header class="tasks-head"><h1>Tasks</h1><span class="muted" id="tasks-total">${num(data.total)} in all</span></header>${filters}${table}${pager(data)}`;
}

function pager(data) {
  if (data.total <= data.pageSize) return "";
  const query = (start) => {
    const q = new URLSearchParams();
    if (data.filter.status) q.set("status", data.filter.status);
    if (data.filter.responsible) q.set("responsible", data.filter.responsible);
    if (start > 0) q.set("start", start);
    return `#tasks/list${q.size ? `?${q}` : ""}`;
  };
  const from = data.start + 1;
  const to = Math.min(data.start + data.pageSize, data.total);
  const prev = data.start > 0 ? `<a href="${query(Math.max(0, data.start - data.pageSize))}">← newer</a>` : "";
  const next = to < data.total ? `<a href="${query(data.start + data.pageSize)}">older →</a>` : "";
  return `<nav class="tasks-pager">${prev}<span>${from}–${to} of ${num(data.total)}</span>${next}</nav>`;
}

// ---- one task ----

function task(data, helpers) {
  const { escapeHtml, bbcodeToHtml, userName } = helpers;
  const t = data.task;
  const people = [
    ["Created by", [t.creator]],
    ["Responsible", [t.responsible]],
    ["Participants", t.accomplices],
    ["Observers", t.auditors],
  ]
    .filter(([, list]) => list.some(Boolean))
    .map(([label, list]) => `<dt>${label}</dt><dd>${list.map((u) => person(u, helpers)).join("")}</dd>`)
    .join("");
  const facts = [
    ["Status", status(t.status, t.overdue, helpers)],
    ["Deadline", deadline(t, helpers)],
    ["Priority", escapeHtml(t.priorityName)],
    t.groupId ? ["Project", `<a href="#tasks/kanban/${num(t.groupId)}">Group ${num(t.groupId)}</a>`] : null,
    t.parent ? ["Base task", `<a href="#tasks/${num(t.parent.id)}">${escapeHtml(t.parent.title || `#${t.parent.id}`)}</a>`] : null,
    t.startPlan || t.endPlan ? ["Planned", `${escapeHtml(when(t.startPlan, helpers))} – ${escapeHtml(when(t.endPlan, helpers))}`] : null,
    ["Created", escapeHtml(when(t.created, helpers))],
    ["Changed", escapeHtml(when(t.changed, helpers))],
    t.closed ? ["Closed", escapeHtml(when(t.closed, helpers))] : null,
    t.taskControl ? ["Accept work", "the creator reviews the result"] : null,
  ]
    .filter(Boolean)
    .map(([label, value]) => `<dt>${label}</dt><dd>${value}</dd>`)
    .join("");
  const description = t.description ? `<div class="task-description">${bbcodeToHtml(t.description, { userName })}</div>` : `<p class="muted">No description.</p>`;
  return (
    `${nav({ ...data, view: "task" }, helpers)}<article class="task-detail" data-task-id="${num(t.id)}">` +
    `<header class="tasks-head"><a class="back" href="#tasks">← Tasks</a><h1>${escapeHtml(t.title)}</h1><span class="muted">#${num(t.id)}</span></header>` +
    `<div class="task-columns"><div class="task-main">${description}${checklist(data.checklist, t.checklist, helpers)}${results(data.results, helpers)}` +
    `${comments(data.comments, helpers)}${timeSpent(data, helpers)}${files(data.files, helpers)}${history(data.history, helpers)}</div>` +
    `<aside class="task-side"><dl>${facts}</dl><dl>${people}</dl></aside></div></article>`
  );
}

function checklist(items, count, { escapeHtml }) {
  if (items.length === 0) return "";
  const children = (parentId) => items.filter((i) => i.parentId === parentId);
  const node = (item) =>
    item.group
      ? `<li class="checklist-group"><span class="checklist-name">${escapeHtml(item.title)}</span><ul>${children(item.id).map(node).join("")}</ul></li>`
      : `<li class="checklist-item${item.complete ? " complete" : ""}${item.important ? " important" : ""}" data-item-id="${num(item.id)}">` +
        `<input type="checkbox" disabled${item.complete ? " checked" : ""}> <span>${escapeHtml(item.title)}</span>${item.important ? ` <span class="important-mark" title="important">!</span>` : ""}` +
        `${children(item.id).length ? `<ul>${children(item.id).map(node).join("")}</ul>` : ""}</li>`;
  const percent = count.total ? Math.round((count.done / count.total) * 100) : 0;
  return (
    `<section class="task-block task-checklist"><h2>Checklist <span class="muted checklist-count">${num(count.done)} of ${num(count.total)} done</span></h2>` +
    `<div class="checklist-bar"><span style="width:${percent}%"></span></div><ul>${children(0).map(node).join("")}</ul></section>`
  );
}

function results(list, helpers) {
  if (list.length === 0) return "";
  const { escapeHtml, bbcodeToHtml, userName } = helpers;
  return (
    `<section class="task-block task-results"><h2>Result</h2>` +
    list.map((r) => `<div class="task-result" data-result-id="${num(r.id)}"><div class="task-meta">${person(r.author, helpers)} <time>${escapeHtml(when(r.date, helpers))}</time></div><div class="task-text">${bbcodeToHtml(r.text, { userName })}</div></div>`).join("") +
    `</section>`
  );
}

function comments(list, helpers) {
  const { escapeHtml, bbcodeToHtml, userName } = helpers;
  const items = list
    .map((c) => `<li class="task-comment" data-comment-id="${num(c.id)}"><div class="task-meta">${person(c.author, helpers)} <time>${escapeHtml(when(c.date, helpers))}</time></div><div class="task-text">${bbcodeToHtml(c.text, { userName })}</div></li>`)
    .join("");
  return `<section class="task-block task-comments-block"><h2>Comments <span class="muted">${list.length}</span></h2>${items ? `<ul class="comment-list">${items}</ul>` : `<p class="muted">No comments.</p>`}</section>`;
}

/** 5400 -> "1 h 30 min". */
function hours(seconds) {
  const s = num(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h} h ${m} min` : m ? `${m} min` : `${s % 60} s`;
}

function timeSpent(data, helpers) {
  const { escapeHtml } = helpers;
  const t = data.task;
  if (!t.timeSpent && !t.timeEstimate && data.elapsed.length === 0) return "";
  const rows = data.elapsed
    .map((e) => `<tr data-elapsed-id="${num(e.id)}"><td>${escapeHtml(when(e.date, helpers))}</td><td>${person(e.user, helpers)}</td><td class="num">${escapeHtml(hours(e.seconds))}</td><td>${escapeHtml(e.comment)}</td></tr>`)
    .join("");
  return (
    `<section class="task-block task-time"><h2>Time spent <span class="task-time-total">${escapeHtml(hours(t.timeSpent))}</span>` +
    `${t.timeEstimate ? ` <span class="muted">of ${escapeHtml(hours(t.timeEstimate))} estimated</span>` : ""}</h2>` +
    (rows ? `<table class="tasks-table compact"><tbody>${rows}</tbody></table>` : "") +
    `</section>`
  );
}

function files(list, helpers) {
  if (list.length === 0) return "";
  const { escapeHtml, safeUrl } = helpers;
  const items = list
    .map((f) => {
      const url = safeUrl(f.url);
      const name = escapeHtml(f.name);
      return `<li>${url ? `<a href="${escapeHtml(url)}" download>${name}</a>` : name} <span class="muted">${escapeHtml(formatSize(f.size))}</span></li>`;
    })
    .join("");
  return `<section class="task-block task-files"><h2>Files</h2><ul>${items}</ul></section>`;
}

function history(list, helpers) {
  const { escapeHtml } = helpers;
  const value = (v) => escapeHtml(v.date ? when(v.date, helpers) : v.text);
  const rows = list
    .map((h) => {
      const change = h.from.text || h.to.text ? `${h.from.text ? `${value(h.from)} → ` : ""}${value(h.to)}` : "";
      return `<tr data-history-id="${num(h.id)}" data-field="${escapeHtml(h.field)}"><td>${escapeHtml(when(h.date, helpers))}</td><td>${person(h.user, helpers)}</td><td>${escapeHtml(h.label)}</td><td>${change}</td></tr>`;
    })
    .join("");
  return `<section class="task-block task-history"><h2>History</h2>${rows ? `<table class="tasks-table compact"><tbody>${rows}</tbody></table>` : `<p class="muted">Nothing yet.</p>`}</section>`;
}

// ---- kanban and "My plan" ----

function board(data, helpers) {
  const { escapeHtml, safeColor } = helpers;
  const title = data.view === "kanban" ? `Kanban · ${escapeHtml(data.owner.name)}` : `My plan · ${escapeHtml(data.owner.name)}`;
  const card = (t) =>
    `<li class="kanban-card" data-task-id="${num(t.id)}"><a class="kanban-title" href="#tasks/${num(t.id)}">${escapeHtml(t.title)}</a>` +
    `<div class="kanban-meta">${status(t.status, t.overdue, helpers)} ${progress(t.checklist)}</div>` +
    `<div class="kanban-meta">${person(t.responsible, helpers)}</div>${t.deadline ? `<div class="kanban-meta">${deadline(t, helpers)}</div>` : ""}</li>`;
  const columns = data.columns
    .map((c) => {
      const color = safeColor(c.color);
      const more = c.total > c.cards.length ? `<li class="muted">and ${num(c.total - c.cards.length)} more</li>` : "";
      return (
        `<section class="kanban-column" data-stage-id="${num(c.id)}"><h2${color ? ` style="border-top-color:${color}"` : ""}>${escapeHtml(c.title)} <span class="muted kanban-count">${num(c.total)}</span></h2>` +
        `<ul>${c.cards.map(card).join("")}${more}</ul></section>`
      );
    })
    .join("");
  return `${nav(data, helpers)}<header class="tasks-head"><h1>${title}</h1></header><div class="kanban">${columns}</div>`;
}
