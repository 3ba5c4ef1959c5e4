// Bitrix24 BB-code -> HTML, as the messenger shows message text (bitrix24-rest.md §5.3).
// Dependency-free so the browser page and the Node tests run the same code. Everything a message
// says is escaped: only the tags below become markup, and only http(s) or portal-relative links
// become hrefs.

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for use in HTML content and quoted attribute values. */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** The URL when it is absolute http(s) or portal-root-relative, else null (no javascript: etc.). */
export function safeUrl(url) {
  if (typeof url !== "string" && typeof url !== "number") return null;
  const text = String(url).trim();
  if (/^https?:\/\/[^\s]+$/i.test(text)) return text;
  if (/^\/(?!\/)[^\s]*$/.test(text)) return text;
  return null;
}

/** "#rgb" / "#rrggbb" or null: colours go into style attributes, so nothing else may pass. */
export function safeColor(color) {
  return typeof color === "string" && /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(color.trim()) ? color.trim() : null;
}

// Tags with a closing partner whose content is more BB-code.
const PAIRED = new Set(["b", "i", "u", "s", "size", "color", "url", "user", "chat", "context", "put", "send", "call"]);
// Tags whose content is taken as plain text up to the closing tag.
const RAW = new Set(["code", "img"]);
// Tags that stand alone.
const SINGLE = new Set(["br", "icon", "timestamp", "disk"]);

const TAG = /\[(\/?)([a-z]+)((?:[=\s][^[\]]*)?)\]/iy;

/**
 * Renders message text. `options.userName(id)` names a `[user=ID][/user]` mention that has no
 * text of its own; `options.chatName(id)` does the same for `[chat=ID]`.
 */
export function bbcodeToHtml(text, options = {}) {
  if (text === null || text === undefined) return "";
  return renderBlocks(String(text).replace(/\r\n?/g, "\n"), options);
}

/** Quote blocks first (`------` fences and `>>` lines), then inline markup inside each part. */
function renderBlocks(text, options) {
  const lines = text.split("\n");
  const out = [];
  let plain = [];
  const flush = () => {
    if (plain.length > 0) out.push(renderInline(plain.join("\n"), options));
    plain = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^-{6,}\s*$/.test(line)) {
      const end = lines.findIndex((l, j) => j > i && /^-{6,}\s*$/.test(l));
      if (end > i) {
        flush();
        out.push(`<blockquote class="b24-quote">${renderInline(lines.slice(i + 1, end).join("\n"), options)}</blockquote>`);
        i = end;
        continue;
      }
    }
    if (line.startsWith(">>")) {
      flush();
      const quoted = [line.slice(2)];
      while (i + 1 < lines.length && lines[i + 1].startsWith(">>")) quoted.push(lines[++i].slice(2));
      out.push(`<blockquote class="b24-quote">${renderInline(quoted.join("\n"), options)}</blockquote>`);
      continue;
    }
    plain.push(line);
  }
  flush();
  return out.join("");
}

/** Parses tags into a tree (unmatched tags stay literal text) and renders it. */
function renderInline(text, options) {
  const root = { name: "", arg: "", raw: "", children: [] };
  const stack = [root];
  let buffer = "";
  let i = 0;
  const pushText = () => {
    if (buffer) stack[stack.length - 1].children.push(buffer);
    buffer = "";
  };
  while (i < text.length) {
    const open = text.indexOf("[", i);
    if (open < 0) {
      buffer += text.slice(i);
      break;
    }
    buffer += text.slice(i, open);
    TAG.lastIndex = open;
    const match = TAG.exec(text);
    const name = match ? match[2].toLowerCase() : "";
    if (!match || !(PAIRED.has(name) || RAW.has(name) || SINGLE.has(name))) {
      buffer += "[";
      i = open + 1;
      continue;
    }
    const [whole, slash, , arg] = match;
    i = open + whole.length;

    if (slash) {
      const at = findOpen(stack, name);
      if (at < 0) {
        buffer += whole; // a closing tag nothing opened
        continue;
      }
      pushText();
      while (stack.length - 1 > at) unwrap(stack); // tags left open inside become text
      const node = stack.pop();
      stack[stack.length - 1].children.push(node);
      continue;
    }
    if (SINGLE.has(name)) {
      pushText();
      stack[stack.length - 1].children.push({ name, arg, raw: whole, children: null });
      continue;
    }
    const rawContent = RAW.has(name) || (name === "url" && arg.trim() === "");
    if (rawContent) {
      const close = text.toLowerCase().indexOf(`[/${name}]`, i);
      if (close < 0) {
        buffer += whole;
        continue;
      }
      pushText();
      stack[stack.length - 1].children.push({ name, arg, raw: whole, children: null, content: text.slice(i, close) });
      i = close + name.length + 3;
      continue;
    }
    pushText();
    stack.push({ name, arg, raw: whole, children: [] });
  }
  pushText();
  while (stack.length > 1) unwrap(stack);
  return renderChildren(root.children, options);
}

function findOpen(stack, name) {
  for (let at = stack.length - 1; at > 0; at--) if (stack[at].name === name) return at;
  return -1;
}

/** An unclosed tag: its opening text and its children go back to the parent as they were. */
function unwrap(stack) {
  const node = stack.pop();
  const parent = stack[stack.length - 1];
  parent.children.push(node.raw, ...node.children);
}

function renderChildren(children, options) {
  return children.map((child) => (typeof child === "string" ? renderText(child) : renderTag(child, options))).join("");
}

/** Plain text: escaped, bare URLs linked, newlines as line breaks. */
function renderText(text) {
  const parts = text.split(/(https?:\/\/[^\s<>"'[\]]+)/gi);
  return parts
    .map((part, index) => (index % 2 === 1 ? link(part, escapeHtml(part)) : escapeHtml(part)))
    .join("")
    .replace(/\n/g, "<br>");
}

function link(url, html) {
  const href = safeUrl(url);
  if (!href) return html;
  return `<a class="b24-link" href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${html}</a>`;
}

/** `=value` -> "value"; `=5 REPLACE` -> "5"; ` size=small` -> "". */
function mainArg(arg) {
  const m = /^=\s*([^\s]*)/.exec(arg);
  return m ? m[1] : "";
}

/** ` size=small title=Hi there` -> {size: "small", title: "Hi there"}. */
function namedArgs(arg) {
  const out = {};
  const re = /\s([a-z]+)=((?:(?!\s[a-z]+=).)*)/gi;
  let m;
  while ((m = re.exec(arg))) out[m[1].toLowerCase()] = m[2].trim();
  return out;
}

function renderTag(node, options) {
  const inner = () => renderChildren(node.children, options);
  const value = mainArg(node.arg);
  switch (node.name) {
    case "b":
    case "i":
    case "u":
    case "s":
      return `<${node.name}>${inner()}</${node.name}>`;
    case "size": {
      const px = Math.min(30, Math.max(8, parseInt(value, 10) || 14));
      return `<span class="b24-size" style="font-size:${px}px">${inner()}</span>`;
    }
    case "color": {
      const color = safeColor(value);
      return color ? `<span class="b24-color" style="color:${color}">${inner()}</span>` : inner();
    }
    case "url":
      if (node.content !== undefined) return link(node.content.trim(), escapeHtml(node.content));
      return link(value, inner());
    case "user": {
      const id = value.toLowerCase() === "all" ? "all" : String(parseInt(value, 10) || "");
      const content = node.children.length > 0 ? inner() : escapeHtml((id === "all" ? "all" : options.userName?.(Number(id))) ?? `user ${id}`);
      return `<span class="b24-mention b24-mention-user" data-user-id="${escapeHtml(id)}">${content}</span>`;
    }
    case "chat": {
      const id = value;
      const numeric = Number(id.replace(/^chat/i, ""));
      const content = node.children.length > 0 ? inner() : escapeHtml(options.chatName?.(numeric) ?? `chat ${id}`);
      return `<span class="b24-mention b24-mention-chat" data-chat-id="${escapeHtml(id)}">${content}</span>`;
    }
    case "context":
      return `<span class="b24-context" data-context="${escapeHtml(value)}">${inner()}</span>`;
    case "put":
    case "send":
      return `<span class="b24-command b24-command-${node.name}" data-command="${escapeHtml(node.arg.replace(/^=/, ""))}">${inner()}</span>`;
    case "call":
      return `<span class="b24-command b24-command-call" data-number="${escapeHtml(value || node.children.filter((c) => typeof c === "string").join(""))}">${inner()}</span>`;
    case "code":
      return `<pre class="b24-code">${escapeHtml(node.content.replace(/^\n/, ""))}</pre>`;
    case "img": {
      const src = safeUrl(node.content.trim());
      const size = /^(small|medium|large)$/i.test(namedArgs(node.arg).size ?? "") ? namedArgs(node.arg).size.toLowerCase() : "medium";
      return src ? `<img class="b24-img b24-img-${size}" src="${escapeHtml(src)}" alt="">` : escapeHtml(node.raw + node.content + "[/img]");
    }
    case "br":
      return "<br>";
    case "icon": {
      const src = safeUrl(value);
      const named = namedArgs(node.arg);
      const px = Math.min(100, Math.max(8, parseInt(named.size ?? "", 10) || 20));
      return src ? `<img class="b24-icon" src="${escapeHtml(src)}" alt="${escapeHtml(named.title ?? "")}" title="${escapeHtml(named.title ?? "")}" width="${px}" height="${px}">` : escapeHtml(node.raw);
    }
    case "timestamp": {
      const seconds = Number(value);
      if (!Number.isFinite(seconds)) return escapeHtml(node.raw);
      const date = new Date(seconds * 1000);
      return `<time class="b24-timestamp" datetime="${date.toISOString()}">${escapeHtml(date.toLocaleString())}</time>`;
    }
    case "disk":
      return `<span class="b24-disk" data-file-id="${escapeHtml(value)}">File #${escapeHtml(value)}</span>`;
    default:
      return escapeHtml(node.raw) + inner();
  }
}
