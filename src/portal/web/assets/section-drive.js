// The page's "Drive" section (reads /ui/api/section/drive, see sections/drive.ts): the storages
// (#drive), a folder's contents with download links (#drive/folder/<id>) and a storage's trash
// (#drive/trash/<storageId>). Names go through escapeHtml; links are the page's own hashes built
// from numbers, or the files' same-origin /download/ links through safeUrl.
import { formatSize } from "./rich.js";


const num = (value) => (Number.isFinite(Number(value)) ? Number(value) : 0);

export function render(container, data, helpers) {
  const { escapeHtml } = helpers;
  let body;
  if (data.view === "storages") body = storages(data, helpers);
  else if (data.view === "folder") body = folder(data, helpers);
  else if (data.view === "trash") body = trash(data, helpers);
  else body = `<nav class="drive-path"><a href="#drive">Drive</a></nav><p class="empty">Not found: ${escapeHtml(data.what ?? "")}</p>`;
  // What is shown, for tests and styles: the folder's or the trash's storage id.
  const id = data.view === "folder" ? data.folder.id : data.view === "trash" ? data.storage.id : null;
  container.innerHTML = `<div class="drive-section" data-view="${escapeHtml(data.view ?? "")}"${id ? ` data-id="${num(id)}"` : ""}>${body}</div>`;
}

function when(date, { dayOf, timeOf }) {
  return date ? `${dayOf(date)} ${timeOf(date)}` : "";
}

/** Drawn by CSS (no emoji font is needed). */
const icon = (type) => `<span class="drive-icon drive-icon-${type === "folder" ? "folder" : "file"}" aria-hidden="true"></span>`;

function storages(data, helpers) {
  const { escapeHtml } = helpers;
  const cards = data.storages
    .map((s) => {
      const counts = [`${num(s.folders)} folder${s.folders === 1 ? "" : "s"}`, `${num(s.files)} file${s.files === 1 ? "" : "s"}`, s.bytes ? formatSize(s.bytes) : ""].filter(Boolean).join(" · ");
      return (
        `<li class="drive-storage" data-storage-id="${num(s.id)}"><a class="drive-storage-name" href="#drive/folder/${num(s.rootId)}">${escapeHtml(s.name)}</a>` +
        `<span class="drive-kind">${escapeHtml(s.kind)}${s.owner && s.owner !== s.name ? ` · ${escapeHtml(s.owner)}` : ""}</span>` +
        `<span class="drive-counts">${escapeHtml(counts)}</span>` +
        `<a class="drive-trash-link" href="#drive/trash/${num(s.id)}">Trash${s.trashed ? ` (${num(s.trashed)})` : ""}</a></li>`
      );
    })
    .join("");
  return `<header class="drive-head"><h1>Drive</h1><span class="muted">${data.storages.length} storages</span></header><ul class="drive-storages">${cards}</ul>`;
}

function crumbs(data, { escapeHtml }) {
  const path = data.path
    .map((p, i) => (i === data.path.length - 1 ? `<span>${escapeHtml(p.name)}</span>` : `<a href="#drive/folder/${num(p.id)}">${escapeHtml(p.name)}</a>`))
    .join(`<span class="sep">/</span>`);
  return `<nav class="drive-path"><a href="#drive">Drive</a><span class="sep">/</span>${path}</nav>`;
}

function folder(data, helpers) {
  const { escapeHtml, safeUrl } = helpers;
  const rows = data.children
    .map((c) => {
      const url = c.type === "file" ? safeUrl(c.download) : null;
      const name =
        c.type === "folder"
          ? `<a class="drive-name" href="#drive/folder/${num(c.id)}">${icon("folder")}${escapeHtml(c.name)}</a>`
          : `<span class="drive-name">${icon("file")}${escapeHtml(c.name)}</span>`;
      return (
        `<tr class="drive-row" data-object-id="${num(c.id)}" data-type="${c.type === "folder" ? "folder" : "file"}"><td>${name}</td>` +
        `<td class="num drive-size">${c.type === "file" ? escapeHtml(formatSize(c.size)) : ""}</td>` +
        `<td class="drive-modified">${escapeHtml(when(c.updated, helpers))}${c.updatedBy ? ` <span class="muted">${escapeHtml(c.updatedBy)}</span>` : ""}</td>` +
        `<td>${url ? `<a class="drive-download" href="${escapeHtml(url)}" download>Download</a>` : ""}${c.version > 1 ? ` <span class="muted">v${num(c.version)}</span>` : ""}</td></tr>`
      );
    })
    .join("");
  const storage = data.storage;
  const head =
    `<header class="drive-head"><h1>${escapeHtml(data.folder.name)}</h1>` +
    `${storage ? `<span class="muted">${escapeHtml(storage.kind)}</span><a class="drive-trash-link" href="#drive/trash/${num(storage.id)}">Trash</a>` : ""}` +
    `${data.folder.chatId ? `<a class="drive-chat-link" href="#chat/${num(data.folder.chatId)}">the chat</a>` : ""}</header>`;
  const table = rows
    ? `<table class="drive-table"><thead><tr><th>Name</th><th class="num">Size</th><th>Modified</th><th></th></tr></thead><tbody>${rows}</tbody></table>`
    : `<p class="empty">This folder is empty.</p>`;
  return `${crumbs(data, helpers)}${head}${data.folder.deleted ? `<p class="drive-note">This folder is in the trash.</p>` : ""}${table}`;
}

function trash(data, helpers) {
  const { escapeHtml, safeUrl } = helpers;
  const s = data.storage;
  const rows = data.items
    .map((c) => {
      const url = c.type === "file" ? safeUrl(c.download) : null;
      const where = `/${c.from}`;
      return (
        `<tr class="drive-row" data-object-id="${num(c.id)}" data-type="${c.type === "folder" ? "folder" : "file"}">` +
        `<td><span class="drive-name">${icon(c.type)}${escapeHtml(c.name)}</span>${c.inside ? ` <span class="muted">and ${num(c.inside)} inside</span>` : ""}</td>` +
        `<td class="num drive-size">${c.type === "file" ? escapeHtml(formatSize(c.size)) : ""}</td>` +
        `<td class="drive-from">${escapeHtml(where)}</td>` +
        `<td>${escapeHtml(when(c.deleted, helpers))}${c.deletedBy ? ` <span class="muted">${escapeHtml(c.deletedBy)}</span>` : ""}</td>` +
        `<td>${url ? `<a class="drive-download" href="${escapeHtml(url)}" download>Download</a>` : ""}</td></tr>`
      );
    })
    .join("");
  const table = rows
    ? `<table class="drive-table"><thead><tr><th>Name</th><th class="num">Size</th><th>Was in</th><th>Deleted</th><th></th></tr></thead><tbody>${rows}</tbody></table>`
    : `<p class="empty">The trash is empty.</p>`;
  return (
    `<nav class="drive-path"><a href="#drive">Drive</a><span class="sep">/</span><a href="#drive/folder/${num(s.rootId)}">${escapeHtml(s.name)}</a><span class="sep">/</span><span>Trash</span></nav>` +
    `<header class="drive-head"><h1>Trash · ${escapeHtml(s.name)}</h1><span class="muted">${data.items.length} deleted</span></header>${table}`
  );
}
