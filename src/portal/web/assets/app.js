// The local portal's page: chats and private dialogs on the left, the selected dialog's messages
// in the middle (BB-code, ATTACH, keyboards, files, edits, deletions, likes, read marks), the
// notification centre and the users on the right. It reads /ui/api/* and refreshes whenever
// /ui/events reports a change, so new messages appear without a reload. No framework, no CDN.
import { bbcodeToHtml, escapeHtml, safeColor, safeUrl } from "./bbcode.js";
import { attachToHtml, formatSize, keyboardToHtml, menuToHtml } from "./rich.js";

const $ = (id) => document.getElementById(id);
const view = { overview: null, dialog: null, chatId: null, fresh: new Set() };

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
  $("chats").innerHTML = chats.filter((c) => c.type !== "private").map(item).join("") || `<li class="empty">none</li>`;
  $("dialogs").innerHTML = chats.filter((c) => c.type === "private").map(item).join("") || `<li class="empty">none yet</li>`;
}

// --- the dialog ---

function renderDialog() {
  const d = view.dialog;
  if (!d) {
    $("dialog-header").innerHTML = "";
    $("messages").innerHTML = `<p class="empty">Choose a chat on the left.</p>`;
    return;
  }
  const chat = d.chat;
  const members = chat.members.map((id) => userName(id) ?? `User ${id}`).join(", ");
  $("dialog-header").innerHTML =
    avatar(chat.title, chat.color) +
    `<div><h1>${escapeHtml(chat.title)}</h1><p class="dialog-meta">` +
    `<code>${escapeHtml(chat.type === "private" ? "private dialog" : chat.dialogId)}</code> · ${chat.members.length} members: ${escapeHtml(members)}` +
    (chat.description ? ` · ${escapeHtml(chat.description)}` : "") +
    `</p></div>`;

  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const files = new Map(d.files.map((f) => [String(f.id), f]));
  const readers = readMarks(d);
  let lastDay = "";
  const html = d.messages.map((m) => {
    const day = dayOf(m.date);
    const divider = day && day !== lastDay ? `<div class="day">${escapeHtml(day)}</div>` : "";
    lastDay = day;
    return divider + messageHtml(m, files, readers.get(m.id) ?? []);
  });
  box.innerHTML = html.join("") || `<p class="empty">No messages yet. Send one with <code>oint bitrix24 SendMessage</code>.</p>`;
  if (atBottom || box.dataset.chatId !== String(chat.id)) box.scrollTop = box.scrollHeight;
  box.dataset.chatId = String(chat.id);
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

function messageHtml(m, files, readBy) {
  const p = params(m);
  const deleted = p.IS_DELETED === "Y";
  const system = m.author_id === 0;
  const author = system ? "System" : (userName(m.author_id) ?? `User ${m.author_id}`);
  const authorColor = view.overview.users.find((u) => u.id === m.author_id)?.color;
  const classes = ["message", system && "system", deleted && "deleted", view.fresh.has(m.id) && "fresh"].filter(Boolean).join(" ");

  let body;
  if (deleted) {
    body = `<div class="text deleted-text">${escapeHtml(m.text)}</div>`;
  } else {
    body =
      (m.text ? `<div class="text">${bbcodeToHtml(m.text, renderOptions)}</div>` : "") +
      attachToHtml(p.ATTACH, renderOptions) +
      filesHtml(p.FILE_ID, files) +
      keyboardToHtml(p.KEYBOARD);
  }
  const likes = Array.isArray(p.LIKE) ? p.LIKE : [];
  const likeNames = likes.map((id) => userName(Number(id)) ?? `User ${id}`).join(", ");
  const footer =
    (likes.length > 0 ? `<span class="likes" title="${escapeHtml(likeNames)}">♥ ${likes.length}</span>` : "") +
    (readBy.length > 0 ? `<span class="seen">Seen by ${escapeHtml(readBy.map((id) => userName(id) ?? `User ${id}`).join(", "))}</span>` : "");

  return (
    `<article class="${classes}" id="message-${m.id}" data-message-id="${m.id}">` +
    (system ? "" : avatar(author, authorColor)) +
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

function selectedChat() {
  const m = /^#chat\/(\d+)$/.exec(location.hash);
  if (m) return Number(m[1]);
  return view.overview?.chats.find((c) => c.type !== "private")?.id ?? view.overview?.chats[0]?.id ?? null;
}

async function refresh() {
  view.overview = await getJson("/ui/api/overview");
  view.chatId = selectedChat();
  view.dialog = view.chatId ? await getJson(`/ui/api/chats/${view.chatId}`).catch(() => null) : null;
  renderSidebar();
  renderDialog();
  renderPanel();
  document.body.dataset.ready = "true";
}

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

// Pictures from the internet are missing offline: show a framed placeholder instead of nothing.
document.addEventListener(
  "error",
  (event) => {
    if (event.target instanceof HTMLImageElement) event.target.classList.add("broken");
  },
  true,
);
window.addEventListener("hashchange", scheduleRefresh);
setupTabs();
listen();
scheduleRefresh();
