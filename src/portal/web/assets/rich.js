// ATTACH blocks, KEYBOARD buttons and MENU items -> HTML, the way the Bitrix24 messenger lays them
// out (bitrix24-rest.md §5.1, §5.2, §5.4, §5.5). Input is what im.dialog.messages.get returns in
// message params (a list of {ID, BLOCKS, COLOR, COLOR_TOKEN}); the short form (a bare list of
// blocks) and a single attach object are accepted too. Colour tokens become classes
// (b24-token-primary …); explicit colours pass only as #rgb/#rrggbb. Dependency-free, like bbcode.js.
import { bbcodeToHtml, escapeHtml, safeColor, safeUrl } from "./bbcode.js";

const TOKENS = new Set(["primary", "secondary", "alert", "base"]);
const GRID_MODES = new Set(["BLOCK", "LINE", "ROW", "TABLE"]);

function token(value, fallback = "base") {
  const t = typeof value === "string" ? value.toLowerCase() : "";
  return TOKENS.has(t) ? t : fallback;
}

function px(value, max = 2000) {
  const n = parseInt(value, 10);
  return Number.isFinite(n) && n > 0 ? Math.min(n, max) : null;
}

/** A list from a list, an index map ({"0": …}) or one object. */
function list(value) {
  if (Array.isArray(value)) return value;
  if (value && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length > 0 && keys.every((k, i) => k === String(i))) return Object.values(value);
    return [value];
  }
  return [];
}

function text(value) {
  return value === undefined || value === null ? "" : String(value);
}

function anchor(url, inner, cls) {
  const href = safeUrl(url);
  const c = cls ? ` class="${cls}"` : "";
  return href ? `<a${c} href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${inner}</a>` : `<span${c}>${inner}</span>`;
}

/** The attach list of a message (params.ATTACH) as HTML; "" when there is none. */
export function attachToHtml(attach, options = {}) {
  if (!attach) return "";
  let attaches;
  if (Array.isArray(attach) && attach.length > 0 && attach.every((a) => a && typeof a === "object" && "BLOCKS" in a)) attaches = attach;
  else if (Array.isArray(attach)) attaches = [{ BLOCKS: attach }]; // short form: the blocks themselves
  else if (typeof attach === "object" && "BLOCKS" in attach) attaches = [attach];
  else return "";
  return attaches.map((a) => oneAttach(a, options)).join("");
}

function oneAttach(attach, options) {
  const color = safeColor(attach.COLOR);
  const style = color ? ` style="border-left-color:${color}"` : "";
  const blocks = list(attach.BLOCKS).map((b) => block(b, options)).join("");
  return `<div class="b24-attach b24-token-${token(attach.COLOR_TOKEN)}"${style} data-attach-id="${escapeHtml(text(attach.ID))}">${blocks}</div>`;
}

function block(b, options) {
  if (!b || typeof b !== "object") return "";
  const [type] = Object.keys(b);
  const value = b[type];
  switch (type) {
    case "MESSAGE":
      return `<div class="b24-block b24-block-message">${bbcodeToHtml(text(value), options)}</div>`;
    case "LINK":
    case "RICH_LINK":
      return list(value).map((item) => linkItem(item)).join("");
    case "USER":
      return list(value).map((item) => userItem(item)).join("");
    case "IMAGE":
      return `<div class="b24-block b24-block-image">${list(value).map(imageItem).join("")}</div>`;
    case "FILE":
      return list(value).map(fileItem).join("");
    case "DELIMITER":
      return delimiter(value || {});
    case "GRID":
      return grid(list(value), options);
    default:
      // A block type this page does not know: shown as its JSON, never as markup.
      return `<pre class="b24-block b24-block-unknown">${escapeHtml(JSON.stringify(b))}</pre>`;
  }
}

function linkItem(item) {
  const url = text(item.LINK);
  const name = escapeHtml(text(item.NAME) || url);
  // HTML is shown as text: the page never trusts markup from a message.
  const desc = text(item.HTML) || text(item.DESC);
  const preview = safeUrl(item.PREVIEW);
  const w = px(item.WIDTH);
  const h = px(item.HEIGHT);
  const size = `${w ? ` width="${w}"` : ""}${h ? ` height="${h}"` : ""}`;
  return (
    `<div class="b24-block b24-block-link">` +
    anchor(url, name, "b24-link-name") +
    (desc ? `<div class="b24-link-desc">${escapeHtml(desc).replace(/\n/g, "<br>")}</div>` : "") +
    (preview ? `<img class="b24-link-preview" src="${escapeHtml(preview)}" alt=""${size}>` : "") +
    `</div>`
  );
}

function initials(name) {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0].toUpperCase())
    .join("");
}

function userItem(item) {
  const name = text(item.NAME);
  const avatar = safeUrl(item.AVATAR);
  const kind = ["USER", "CHAT", "BOT"].includes(text(item.AVATAR_TYPE).toUpperCase()) ? text(item.AVATAR_TYPE).toLowerCase() : "user";
  const picture = avatar
    ? `<img class="b24-avatar b24-avatar-${kind}" src="${escapeHtml(avatar)}" alt="">`
    : `<span class="b24-avatar b24-avatar-${kind}">${escapeHtml(initials(name))}</span>`;
  const label = item.LINK ? anchor(item.LINK, escapeHtml(name), "b24-user-name") : `<span class="b24-user-name">${escapeHtml(name)}</span>`;
  return `<div class="b24-block b24-block-user"${item.USER_ID ? ` data-user-id="${escapeHtml(text(item.USER_ID))}"` : ""}>${picture}${label}</div>`;
}

function imageItem(item) {
  const link = text(item.LINK);
  const src = safeUrl(item.PREVIEW) ?? safeUrl(link);
  const name = text(item.NAME);
  const w = px(item.WIDTH, 600);
  const h = px(item.HEIGHT, 600);
  const size = `${w ? ` width="${w}"` : ""}${h ? ` height="${h}"` : ""}`;
  const img = src ? `<img class="b24-image" src="${escapeHtml(src)}" alt="${escapeHtml(name)}"${size}>` : "";
  return `<figure class="b24-image-item">${anchor(link, img, "b24-image-link")}${name ? `<figcaption>${escapeHtml(name)}</figcaption>` : ""}</figure>`;
}

/** 1536 -> "1.5 KB", as the messenger prints sizes. */
export function formatSize(bytes) {
  const n = Number(bytes);
  if (!Number.isFinite(n) || n < 0 || text(bytes) === "") return "";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function fileItem(item) {
  const link = text(item.LINK);
  const name = text(item.NAME) || link.split("/").pop() || "file";
  const ext = (/\.([a-z0-9]{1,5})$/i.exec(name)?.[1] ?? "").toUpperCase();
  const size = formatSize(item.SIZE);
  return (
    `<div class="b24-block b24-block-file"><span class="b24-file-icon">${escapeHtml(ext || "FILE")}</span>` +
    anchor(link, escapeHtml(name), "b24-file-name") +
    (size ? `<span class="b24-file-size">${escapeHtml(size)}</span>` : "") +
    `</div>`
  );
}

function delimiter(value) {
  const width = px(value.SIZE, 2000) ?? 200;
  const color = safeColor(value.COLOR);
  return `<hr class="b24-block b24-block-delimiter" style="width:${width}px${color ? `;background-color:${color}` : ""}">`;
}

/** One GRID; the first item's DISPLAY sets the layout (Bitrix24 says not to mix them). */
function grid(items, options) {
  const first = text(items[0]?.DISPLAY).toUpperCase();
  const mode = GRID_MODES.has(first) ? first : "BLOCK";
  const cells = items.map((item) => {
    const name = text(item.NAME);
    const color = safeColor(item.COLOR);
    const value = bbcodeToHtml(text(item.VALUE), options);
    const valueHtml = item.LINK ? anchor(item.LINK, value, "b24-grid-link") : value;
    const w = px(item.WIDTH);
    const h = px(item.HEIGHT);
    const styles = [w && mode !== "ROW" && mode !== "TABLE" ? `width:${w}px` : "", h ? `min-height:${h}px` : "", color ? `color:${color}` : ""].filter(Boolean);
    const style = styles.length > 0 ? ` style="${styles.join(";")}"` : "";
    const nameStyle = w && (mode === "ROW" || mode === "TABLE") ? ` style="width:${w}px"` : "";
    const cls = `b24-grid-item b24-token-${token(item.COLOR_TOKEN)}`;
    if (mode === "TABLE") return `<tr class="${cls}"${style}><th${nameStyle}>${escapeHtml(name)}</th><td>${valueHtml}</td></tr>`;
    const nameHtml = name ? `<div class="b24-grid-name"${nameStyle}>${escapeHtml(name)}</div>` : "";
    const valuePart = item.VALUE !== undefined || !name ? `<div class="b24-grid-value">${valueHtml}</div>` : "";
    return `<div class="${cls}"${style}>${nameHtml}${valuePart}</div>`;
  });
  const inner = mode === "TABLE" ? `<table class="b24-grid-table"><tbody>${cells.join("")}</tbody></table>` : cells.join("");
  return `<div class="b24-block b24-block-grid b24-grid-${mode.toLowerCase()}">${inner}</div>`;
}

/**
 * KEYBOARD (params.KEYBOARD: {BUTTONS: [...]} or a bare list) as rows of buttons; "" when none.
 * Each button carries data-index (its place in BUTTONS), which the page uses to act on a press;
 * `options.blocked` lists the indexes pressed with BLOCK=Y (shown disabled).
 */
export function keyboardToHtml(keyboard, options = {}) {
  const buttons = list(Array.isArray(keyboard) ? keyboard : keyboard?.BUTTONS);
  if (buttons.length === 0) return "";
  const blocked = new Set((options.blocked ?? []).map(Number));
  const rows = [[]];
  buttons.forEach((button, index) => {
    if (!button || typeof button !== "object") return;
    if (text(button.TYPE).toUpperCase() === "NEWLINE") rows.push([]);
    else rows[rows.length - 1].push(keyboardButton(button, index, blocked.has(index)));
  });
  const html = rows
    .filter((r) => r.length > 0)
    .map((r) => `<div class="b24-keyboard-row">${r.join("")}</div>`)
    .join("");
  return `<div class="b24-keyboard">${html}</div>`;
}

function keyboardButton(button, index, blocked) {
  const disabled = text(button.DISABLED).toUpperCase() === "Y" || blocked;
  const bg = safeColor(disabled ? (button.OFF_BG_COLOR ?? button.BG_COLOR) : button.BG_COLOR);
  const fg = safeColor(disabled ? (button.OFF_TEXT_COLOR ?? button.TEXT_COLOR) : button.TEXT_COLOR);
  const width = px(button.WIDTH);
  const styles = [bg ? `background-color:${bg}` : "", fg ? `color:${fg}` : "", width ? `width:${width}px` : ""].filter(Boolean);
  const style = styles.length > 0 ? ` style="${styles.join(";")}"` : "";
  const display = text(button.DISPLAY).toUpperCase() === "LINE" ? "line" : "block";
  const context = ["MOBILE", "DESKTOP"].includes(text(button.CONTEXT).toUpperCase()) ? text(button.CONTEXT).toLowerCase() : "all";
  const cls =
    `b24-button b24-token-${token(button.BG_COLOR_TOKEN)} b24-button-${display} b24-context-${context}` +
    (disabled ? " b24-button-disabled" : "") +
    (blocked ? " b24-button-blocked" : "");
  return actionElement(button, index, disabled, cls, style, escapeHtml(text(button.TEXT)));
}

/** "+1 (555) 010-20-30" -> "tel:+15550102030"; null when it is not a phone number. */
export function telUrl(value) {
  const number = text(value).replace(/[\s().-]/g, "");
  return /^\+?\d{3,20}$/.test(number) ? `tel:${number}` : null;
}

/**
 * A button or menu item: LINK (safe URLs only) and CALL (a tel: link) are links the browser
 * follows; everything else is a <button data-index> the page acts on.
 */
function actionElement(item, index, disabled, cls, style, label) {
  const action = describeAction(item);
  const title = action ? ` title="${escapeHtml(action)}"` : "";
  const data = ` data-index="${index}"`;
  const href = disabled ? null : item.LINK ? safeUrl(item.LINK) : actionOf(item) === "CALL" ? telUrl(item.ACTION_VALUE) : null;
  if (href) {
    const target = href.startsWith("tel:") ? "" : ` target="_blank" rel="noopener noreferrer"`;
    return `<a class="${cls}" href="${escapeHtml(href)}"${target}${data}${style}${title}>${label}</a>`;
  }
  return `<button type="button" class="${cls}"${data}${style}${title}${disabled ? " disabled" : ""}>${label}</button>`;
}

function actionOf(item) {
  return text(item.ACTION).toUpperCase();
}

/** What pressing the button does, shown as its tooltip. */
function describeAction(item) {
  if (item.LINK) return `Open ${text(item.LINK)}`;
  if (item.COMMAND) return `Command /${text(item.COMMAND)}${item.COMMAND_PARAMS ? ` ${text(item.COMMAND_PARAMS)}` : ""}`;
  if (item.ACTION) return `${actionOf(item)}${item.ACTION_VALUE !== undefined ? `: ${text(item.ACTION_VALUE)}` : ""}`;
  if (item.APP_ID) return `Application ${text(item.APP_ID)}`;
  return "";
}

/** MENU (params.MENU: {ITEMS: [...]} or a bare list) as the message's context menu; "" when none. */
export function menuToHtml(menu) {
  const items = list(Array.isArray(menu) ? menu : menu?.ITEMS);
  const entries = items
    .map((item, index) => {
      if (!item || typeof item !== "object") return "";
      const disabled = text(item.DISABLED).toUpperCase() === "Y";
      const context = ["MOBILE", "DESKTOP"].includes(text(item.CONTEXT).toUpperCase()) ? text(item.CONTEXT).toLowerCase() : "all";
      const cls = `b24-menu-item b24-context-${context}${disabled ? " b24-menu-item-disabled" : ""}`;
      return `<li>${actionElement(item, index, disabled, cls, "", escapeHtml(text(item.TEXT)))}</li>`;
    })
    .join("");
  if (entries === "") return "";
  return `<details class="b24-menu"><summary title="Message menu">⋯</summary><ul>${entries}</ul></details>`;
}
