// The local portal's page: chats and private dialogs on the left, the selected dialog's messages
// in the middle (BB-code, ATTACH, keyboards, files, edits, deletions, likes, read marks), the
// notification centre and the users on the right. It reads /ui/api/* and refreshes whenever
// /ui/events reports a change, so new messages appear without a reload. No framework, no CDN.
// It is also a place to act: the composer writes as the user chosen in "Writing as", and keyboard
// buttons and menu items do what Bitrix24 does when that user presses them (see act()).
import { bbcodeToHtml, escapeHtml, safeColor, safeUrl } from "./bbcode.js";
import { attachToHtml, formatSize, keyboardToHtml, menuToHtml } from "./rich.js";

const $ = (id) => document.getElementById(id);
/** chatId: the dialog shown; target: a private dialog with this user that has no messages yet. */
const view = { overview: null, dialog: null, chatId: null, target: null, fresh: new Set() };
const AS_USER_KEY = "oint.asUser";
/** The user the page acts as (composer, button presses); kept across reloads. */
let asUser = Number(localStorage.getItem(AS_USER_KEY)) || null;

const userName = (id) => {
  const user = view.overview?.users.find((u) => u.id === id);
  return user ? user.name : undefined;
};
const chatName = (id) => view.overview?.chats.find((c) => c.id === id)?.title;
const renderOptions = { userName, chatName };

async function getJson(path) {
  const response = await fetch(path, { cache: "no-store" });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

function initials(name) {
  return String(name ?? "?")
    .split(/[\s↔]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0].toUpperCase())
    .join("");
}

function avatar(name, color, cls = "avatar") {
  const bg = safeColor(color);
  return `<span class="${cls}"${bg ? ` style="background-color:${bg}"` : ""}>${escapeHtml(initials(name))}</span>`;
}

/** BB-code stripped to one line, for the sidebar's last-message preview. */
function preview(text) {
  return String(text ?? "")
    .replace(/\[\/?[a-z]+(?:[=\s][^\]]*)?\]/gi, "")
    .replace(/\s+/g, " ")
    .trim();
}

function timeOf(date) {
  const d = new Date(date);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function dayOf(date) {
  const d = new Date(date);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleDateString([], { year: "numeric", month: "long", day: "numeric" });
}

// --- sidebar ---

function renderSidebar() {
  const chats = view.overview.chats;
  const item = (chat) => {
    const last = chat.lastMessage;
    const who = last ? (last.authorId ? `${userName(last.authorId) ?? `User ${last.authorId}`}: ` : "") : "";
    const text = last ? (last.deleted ? "message deleted" : preview(last.text) || "attachment") : "no messages yet";
    return (
      `<li><a class="chat-item${chat.id === view.chatId ? " selected" : ""}" href="#chat/${chat.id}" data-chat-id="${chat.id}">` +
      avatar(chat.title, chat.color) +
      `<span class="chat-text"><span class="chat-title">${escapeHtml(chat.title)}</span>` +
      `<span class="chat-last">${escapeHtml(who + text)}</span></span></a></li>`
    );
  };
  setHtml($("chats"), chats.filter((c) => c.type !== "private").map(item).join("") || `<li class="empty">none</li>`);
  setHtml($("dialogs"), chats.filter((c) => c.type === "private").map(item).join("") || `<li class="empty">none yet</li>`);
}

// --- the dialog ---

/**
 * Replaces an element's content only when it changed: a refresh that changes nothing keeps the
 * elements (an open menu, a selection, a button being pressed, pictures already laid out).
 */
const shownHtml = new WeakMap();
function setHtml(element, html) {
  if (shownHtml.get(element) !== html) {
    element.innerHTML = html;
    shownHtml.set(element, html);
  }
}

function renderDialog() {
  const d = view.dialog;
  const box = $("messages");
  const list = $("message-list");
  if (!d) {
    const target = view.target && view.overview.users.find((u) => u.id === view.target);
    setHtml(
      $("dialog-header"),
      target ? avatar(target.name, target.color) + `<div><h1>${escapeHtml(target.name)}</h1><p class="dialog-meta">private dialog · no messages yet</p></div>` : "",
    );
    setHtml(list, target ? `<p class="empty">No messages yet: write the first one below.</p>` : `<p class="empty">Choose a chat on the left.</p>`);
    box.dataset.chatId = "";
    renderComposer();
    return;
  }
  const chat = d.chat;
  const members = chat.members.map((id) => userName(id) ?? `User ${id}`).join(", ");
  setHtml(
    $("dialog-header"),
    avatar(chat.title, chat.color) +
    `<div><h1>${escapeHtml(chat.title)}</h1><p class="dialog-meta">` +
    `<code>${escapeHtml(chat.type === "private" ? "private dialog" : chat.dialogId)}</code> · ${chat.members.length} members: ${escapeHtml(members)}` +
    (chat.description ? ` · ${escapeHtml(chat.description)}` : "") +
      `</p></div>`,
  );

  const files = new Map(d.files.map((f) => [String(f.id), f]));
  const readers = readMarks(d);
  const system = new Set(d.system ?? []);
  let lastDay = "";
  const html = d.messages.map((m) => {
    const day = dayOf(m.date);
    const divider = day && day !== lastDay ? `<div class="day">${escapeHtml(day)}</div>` : "";
    lastDay = day;
    return divider + messageHtml(m, files, readers.get(m.id) ?? [], system.has(m.id), d.blocked?.[m.id]);
  });
  const opened = box.dataset.chatId !== String(chat.id);
  setHtml(list, html.join("") || `<p class="empty">No messages yet. Write one below, or send one with <code>oint bitrix24 SendMessage</code>.</p>`);
  box.dataset.chatId = String(chat.id);
  if (opened) pinned = true;
  if (pinned) toBottom();
  renderComposer();
}

// The view follows the newest message while the reader has not scrolled up: pictures that load
// after the first render, new messages and a resized window keep it at the bottom. Scrolling up
// (scrollTop going down) lets go; scrolling back to the bottom holds on again. Whether the view is
// at the bottom is not enough to tell: a picture may grow the list between a scroll and its event.
let pinned = true;
let lastTop = 0;
function toBottom() {
  const box = $("messages");
  box.scrollTop = box.scrollHeight;
  lastTop = box.scrollTop;
}

function keepPinned() {
  const box = $("messages");
  box.addEventListener("scroll", () => {
    if (box.scrollHeight - box.scrollTop - box.clientHeight < 40) pinned = true;
    else if (box.scrollTop < lastTop) pinned = false;
    lastTop = box.scrollTop;
  });
  const follow = () => {
    if (pinned) toBottom();
  };
  const observer = new ResizeObserver(follow);
  observer.observe($("message-list"));
  observer.observe(box);
  // A picture that finishes loading grows the list; the observer sees it, this is for old engines.
  box.addEventListener("load", follow, true);
}

/** message id -> users whose read mark stops there (each user shown once, at their newest read message). */
function readMarks(d) {
  const out = new Map();
  const ids = d.messages.map((m) => m.id);
  for (const mark of d.reads ?? []) {
    const upTo = ids.filter((id) => id <= mark.messageId).pop();
    if (upTo === undefined) continue;
    const author = d.messages.find((m) => m.id === upTo)?.author_id;
    if (author === mark.userId) continue; // reading your own message is not news
    if (!out.has(upTo)) out.set(upTo, []);
    out.get(upTo).push(mark.userId);
  }
  return out;
}

function params(m) {
  return m.params && !Array.isArray(m.params) ? m.params : {};
}

function messageHtml(m, files, readBy, system, blocked) {
  const p = params(m);
  const deleted = p.IS_DELETED === "Y";
  const body = deleted
    ? `<div class="text deleted-text">${escapeHtml(m.text)}</div>`
    : (m.text ? `<div class="text">${bbcodeToHtml(m.text, renderOptions)}</div>` : "") +
      attachToHtml(p.ATTACH, renderOptions) +
      filesHtml(p.FILE_ID, files) +
      keyboardToHtml(p.KEYBOARD, { blocked });
  if (system) {
    // As Bitrix24 shows them: a centred grey line, no avatar, no bubble, no author.
    const classes = ["message", "system", deleted && "deleted", view.fresh.has(m.id) && "fresh"].filter(Boolean).join(" ");
    return (
      `<article class="${classes}" id="message-${m.id}" data-message-id="${m.id}" title="${escapeHtml(`#${m.id} · ${m.date}`)}">` +
      `<div class="system-body">${body}</div></article>`
    );
  }
  const author = userName(m.author_id) ?? `User ${m.author_id}`;
  const authorColor = view.overview.users.find((u) => u.id === m.author_id)?.color;
  const own = m.author_id === asUser;
  const classes = ["message", own && "own", deleted && "deleted", view.fresh.has(m.id) && "fresh"].filter(Boolean).join(" ");
  const likes = Array.isArray(p.LIKE) ? p.LIKE : [];
  const likeNames = likes.map((id) => userName(Number(id)) ?? `User ${id}`).join(", ");
  const footer =
    (likes.length > 0 ? `<span class="likes" title="${escapeHtml(likeNames)}">♥ ${likes.length}</span>` : "") +
    (readBy.length > 0 ? `<span class="seen">Seen by ${escapeHtml(readBy.map((id) => userName(id) ?? `User ${id}`).join(", "))}</span>` : "");

  return (
    `<article class="${classes}" id="message-${m.id}" data-message-id="${m.id}" data-author-id="${m.author_id}">` +
    avatar(author, authorColor) +
    `<div class="bubble"><header class="message-head"><span class="author">${escapeHtml(author)}</span>` +
    `<time datetime="${escapeHtml(m.date)}" title="${escapeHtml(m.date)}">${escapeHtml(timeOf(m.date))}</time>` +
    (p.IS_EDITED === "Y" && !deleted ? `<span class="edited">edited</span>` : "") +
    `<span class="message-id">#${m.id}</span>` +
    (deleted ? "" : menuToHtml(p.MENU)) +
    `</header>${body}` +
    (footer ? `<footer class="message-foot">${footer}</footer>` : "") +
    `</div></article>`
  );
}

/** Files sent to the chat (params.FILE_ID -> the dialog's `files`): pictures inline, others as rows. */
function filesHtml(ids, files) {
  if (!Array.isArray(ids) || ids.length === 0) return "";
  return `<div class="files">${ids
    .map((id) => {
      const f = files.get(String(id));
      if (!f) return `<div class="file missing">File #${escapeHtml(String(id))}</div>`;
      const download = safeUrl(f.urlDownload) ?? safeUrl(f.urlShow);
      const show = safeUrl(f.urlShow) ?? download;
      const thumb = safeUrl(f.urlPreview) ?? show;
      const name = escapeHtml(f.name ?? `file ${id}`);
      const size = escapeHtml(formatSize(f.size));
      if (f.type === "image" && thumb) {
        return `<figure class="file file-image"><a href="${escapeHtml(show)}" target="_blank" rel="noopener noreferrer"><img src="${escapeHtml(thumb)}" alt="${name}"></a><figcaption>${name} · ${size}</figcaption></figure>`;
      }
      const ext = escapeHtml(String(f.extension ?? "").toUpperCase() || "FILE");
      const link = download ? `<a href="${escapeHtml(download)}" target="_blank" rel="noopener noreferrer">${name}</a>` : name;
      return `<div class="file"><span class="b24-file-icon">${ext}</span>${link}<span class="b24-file-size">${size}</span></div>`;
    })
    .join("")}</div>`;
}

// --- the panel: notifications and users ---

function renderPanel() {
  const notes = view.overview.notifications ?? [];
  const unread = notes.filter((n) => !n.read).length;
  $("notify-count").textContent = unread > 0 ? String(unread) : "";
  $("notifications").innerHTML =
    notes
      .map(
        (n) =>
          `<article class="notification${n.read ? "" : " unread"}" data-notification-id="${n.id}">` +
          `<header><span class="badge badge-${escapeHtml(n.type)}">${escapeHtml(n.type)}</span>` +
          `<span class="to">to ${escapeHtml(n.userName)}</span>` +
          (n.authorName ? `<span class="from">from ${escapeHtml(n.authorName)}</span>` : "") +
          `<time datetime="${escapeHtml(n.date)}">${escapeHtml(timeOf(n.date))}</time></header>` +
          `<div class="text">${bbcodeToHtml(n.text, renderOptions)}</div>${attachToHtml(n.attach, renderOptions)}` +
          (n.tag ? `<footer class="tag">tag ${escapeHtml(n.tag)}</footer>` : "") +
          `</article>`,
      )
      .join("") || `<p class="empty">No notifications.</p>`;
  $("users").innerHTML = view.overview.users
    .map(
      (u) =>
        `<div class="user" data-user-id="${u.id}">${avatar(u.name, u.color)}<div><div class="user-name">${escapeHtml(u.name)} <span class="user-id">#${u.id}</span></div>` +
        `<div class="user-meta">${escapeHtml([u.work_position, u.email].filter(Boolean).join(" · "))}</div>` +
        `<div class="user-status status-${escapeHtml(u.status)}">${escapeHtml(u.active ? u.status : "fired")}</div></div></div>`,
    )
    .join("");
}

// --- loading and live updates ---

/** The private dialog of two users, if it exists. */
function privateChatOf(a, b) {
  return view.overview.chats.find((c) => c.type === "private" && c.members.includes(a) && c.members.includes(b) && (a !== b || c.members.length === 1));
}

/** `#chat/N`, or `#user/U` (the private dialog with U as the page's user sees it), or the first chat. */
function selectRoute() {
  view.target = null;
  const chat = /^#chat\/(\d+)$/.exec(location.hash);
  if (chat) return Number(chat[1]);
  const user = /^#user\/(\d+)$/.exec(location.hash);
  if (user) {
    const other = Number(user[1]);
    const existing = privateChatOf(asUser, other);
    if (existing) {
      history.replaceState(null, "", `#chat/${existing.id}`);
      return existing.id;
    }
    view.target = other;
    return null;
  }
  return view.overview?.chats.find((c) => c.type !== "private")?.id ?? view.overview?.chats[0]?.id ?? null;
}

// --- sections beside the chats (#tasks, #drive, #crm, #calendar): a view module each ---

const SECTION_NAMES = ["tasks", "drive", "crm", "calendar"];
const sectionModules = new Map();

/** The section the address names (`#tasks`, `#tasks/42`, …), or null for the chats. */
function sectionRoute() {
  const m = /^#([a-z]+)(?:\/(.*))?$/.exec(location.hash);
  return m && SECTION_NAMES.includes(m[1]) ? { name: m[1], rest: m[2] ?? "" } : null;
}

async function renderSection(route) {
  let module = sectionModules.get(route.name);
  if (!module) {
    module = await import(`./section-${route.name}.js`);
    sectionModules.set(route.name, module);
    // Each section's own stylesheet, linked once beside its module.
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = `/ui/assets/section-${route.name}.css`;
    document.head.append(link);
  }
  const query = route.rest ? `?path=${encodeURIComponent(route.rest)}` : "";
  const data = await getJson(`/ui/api/section/${route.name}${query}`);
  module.render($("section-view"), data, { escapeHtml, safeUrl, safeColor, bbcodeToHtml, avatar, userName, timeOf, dayOf, getJson, notice, route });
}

function showSection(route) {
  document.body.dataset.section = route ? route.name : "chats";
  for (const link of document.querySelectorAll(".section-link")) link.classList.toggle("selected", link.dataset.section === (route ? route.name : "chats"));
  $("section-view").hidden = !route;
  document.querySelector("main.dialog").hidden = !!route;
}

async function refresh() {
  const route = sectionRoute();
  showSection(route);
  view.overview = await getJson("/ui/api/overview");
  if (route) {
    renderSidebar();
    renderPanel();
    await renderSection(route);
    document.body.dataset.ready = "true";
    return;
  }
  if (!view.overview.users.some((u) => u.id === asUser)) asUser = view.overview.users.find((u) => u.active)?.id ?? null;
  view.chatId = selectRoute();
  view.dialog = view.chatId ? await getJson(`/ui/api/chats/${view.chatId}`).catch(() => null) : null;
  // The page acts as a member of the chat it shows.
  const members = view.dialog?.chat.members;
  if (members && members.length > 0 && !members.includes(asUser)) asUser = members.find((id) => isActive(id)) ?? members[0];
  renderSidebar();
  renderDialog();
  renderPanel();
  document.body.dataset.ready = "true";
}

const isActive = (id) => view.overview.users.some((u) => u.id === id && u.active);

let pending = null;
let again = false;
/** Coalesces bursts of changes into one refresh at a time. */
function scheduleRefresh() {
  if (pending) {
    again = true;
    return;
  }
  pending = new Promise((resolve) => setTimeout(resolve, 30))
    .then(refresh)
    .catch((error) => console.error(error))
    .finally(() => {
      pending = null;
      if (again) {
        again = false;
        scheduleRefresh();
      }
    });
}

function listen() {
  const live = $("live");
  const events = new EventSource("/ui/events");
  events.onopen = () => {
    live.dataset.state = "live";
    live.textContent = "live";
    scheduleRefresh(); // catch up on anything missed while disconnected
  };
  events.onerror = () => {
    live.dataset.state = "offline";
    live.textContent = "reconnecting…";
  };
  events.onmessage = (event) => {
    try {
      const change = JSON.parse(event.data);
      if (change.kind === "message" && change.action === "add") view.fresh.add(change.messageId);
      if (change.kind === "command") {
        const who = userName(change.userId) ?? `User ${change.userId}`;
        notice(`Command /${change.command}${change.commandParams ? ` ${change.commandParams}` : ""} pressed by ${who} on message #${change.messageId}: recorded on the portal (no bot receives it)`, "command");
      }
    } catch {
      // a malformed event still means something changed
    }
    scheduleRefresh();
  };
}

function setupTabs() {
  for (const tab of document.querySelectorAll(".tab")) {
    tab.addEventListener("click", () => {
      for (const t of document.querySelectorAll(".tab")) t.classList.toggle("active", t === tab);
      for (const body of document.querySelectorAll(".tab-body")) body.hidden = body.id !== tab.dataset.tab;
    });
  }
}

// --- acting: the composer, "Writing as", keyboard buttons and menu items ---

/** POST to /ui/act/…: the portal refuses anything without the X-Oint-Page header. */
async function postAction(path, body) {
  const response = await fetch(`/ui/act/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Oint-Page": "1" },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error_description || answer.error || `HTTP ${response.status}`);
  return answer.result;
}

let noticeTimer = null;
/** A short line at the bottom of the page (role=status), e.g. what a press did. */
function notice(text, kind = "info") {
  const box = $("notice");
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => (box.hidden = true), 8000);
}

/** DIALOG_ID as the page's user writes it: "chatN", or the other user's id in a private dialog. */
function currentDialogId() {
  if (view.target) return String(view.target);
  const chat = view.dialog?.chat;
  if (!chat) return null;
  if (chat.type !== "private") return chat.dialogId;
  return String(chat.members.find((id) => id !== asUser) ?? asUser);
}

function renderComposer() {
  const form = $("composer");
  const chat = view.dialog?.chat;
  form.hidden = !chat && !view.target;
  const candidates = chat ? chat.members : view.overview.users.filter((u) => u.active && u.id !== view.target).map((u) => u.id);
  const select = $("as-user");
  const options = candidates
    .map((id) => `<option value="${id}"${id === asUser ? " selected" : ""}>${escapeHtml(userName(id) ?? `User ${id}`)} (#${id})</option>`)
    .join("");
  if (select.innerHTML !== options) select.innerHTML = options;
  if (!candidates.includes(asUser) && candidates.length > 0) {
    asUser = candidates[0];
    select.value = String(asUser);
  }
}

async function sendText(text) {
  const dialogId = currentDialogId();
  if (!dialogId || asUser === null) return;
  await postAction("message", { userId: asUser, dialogId, text });
  pinned = true;
}

function setupComposer() {
  const form = $("composer");
  const input = $("composer-text");
  $("as-user").addEventListener("change", (event) => {
    asUser = Number(event.target.value);
    localStorage.setItem(AS_USER_KEY, String(asUser));
    if (view.target) scheduleRefresh(); // the private dialog may exist for this user
    else renderDialog(); // own messages move to the right
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value;
    if (text.trim() === "") return;
    try {
      await sendText(text);
      input.value = "";
    } catch (error) {
      notice(`Not sent: ${error.message}`, "error");
    }
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}

/** The BUTTONS of a message's keyboard or the ITEMS of its menu, as stored. */
function itemsOf(message, kind) {
  const p = params(message);
  const holder = kind === "keyboard" ? p.KEYBOARD : p.MENU;
  if (Array.isArray(holder)) return holder;
  const list = holder?.[kind === "keyboard" ? "BUTTONS" : "ITEMS"];
  return Array.isArray(list) ? list : [];
}

/**
 * A press, as the page's user, the way Bitrix24 handles it: COMMAND goes to the portal (which
 * records it, in place of the bot's ONIMCOMMANDADD event); ACTION runs here: SEND writes the value
 * as the user, PUT puts it into the composer, COPY copies it, DIALOG opens that dialog (chatN or a
 * user id), CALL dials (a tel: link). LINK and CALL buttons are plain links the browser follows.
 */
async function act(message, kind, index, item) {
  const value = item.ACTION_VALUE === undefined || item.ACTION_VALUE === null ? "" : String(item.ACTION_VALUE);
  if (item.COMMAND) {
    await postAction("press", { userId: asUser, messageId: message.id, kind, index });
    return;
  }
  switch (String(item.ACTION ?? "").toUpperCase()) {
    case "SEND":
      await sendText(value);
      return;
    case "PUT": {
      const input = $("composer-text");
      input.value = value;
      input.focus();
      return;
    }
    case "COPY":
      try {
        await navigator.clipboard.writeText(value);
        notice(`Copied to the clipboard: ${value}`, "copy");
      } catch {
        notice(`Could not copy (the browser refused the clipboard); the text: ${value}`, "copy");
      }
      return;
    case "DIALOG": {
      const chat = /^chat(\d+)$/i.exec(value.trim());
      if (chat) location.hash = `#chat/${chat[1]}`;
      else if (/^\d+$/.test(value.trim())) location.hash = `#user/${value.trim()}`;
      else notice(`No such dialog: ${value}`, "error");
      return;
    }
    case "CALL":
      notice(`Not a phone number: ${value}`, "error");
      return;
  }
  if (item.LINK) notice(`The link is refused (only http(s) and /… links open): ${item.LINK}`, "error");
  else if (item.APP_ID) notice(`Application ${item.APP_ID}: chat applications are not emulated by the local portal`);
  else notice("The button does nothing (no LINK, COMMAND or ACTION)");
}

function setupActions() {
  $("messages").addEventListener("click", async (event) => {
    const el = event.target.closest("[data-index]");
    const holder = el?.closest(".b24-keyboard, .b24-menu");
    if (!el || !holder) return;
    const menu = el.closest("details.b24-menu");
    if (menu) menu.open = false;
    if (el.tagName === "A") return; // LINK (new tab) and CALL (tel:): the browser follows them
    event.preventDefault();
    const id = Number(el.closest("[data-message-id]")?.dataset.messageId);
    const message = view.dialog?.messages.find((m) => m.id === id);
    const kind = holder.classList.contains("b24-menu") ? "menu" : "keyboard";
    const index = Number(el.dataset.index);
    const item = message && itemsOf(message, kind)[index];
    if (!item || el.disabled) return;
    try {
      await act(message, kind, index, item);
    } catch (error) {
      notice(`${item.TEXT ?? "The button"}: ${error.message}`, "error");
    }
  });
}

// --- narrow screens: one column, the chat list and the panel slide over it ---

function setupNarrow() {
  $("show-chats").addEventListener("click", () => document.body.classList.toggle("show-chats"));
  $("show-panel").addEventListener("click", () => document.body.classList.toggle("show-panel"));
  $("scrim").addEventListener("click", () => document.body.classList.remove("show-chats", "show-panel"));
}

// Pictures from the internet are missing offline: show a framed placeholder instead of nothing.
document.addEventListener(
  "error",
  (event) => {
    if (event.target instanceof HTMLImageElement) event.target.classList.add("broken");
  },
  true,
);
window.addEventListener("hashchange", () => {
  document.body.classList.remove("show-chats", "show-panel");
  scheduleRefresh();
});
setupTabs();
setupNarrow();
setupComposer();
setupActions();
keepPinned();
listen();
scheduleRefresh();
