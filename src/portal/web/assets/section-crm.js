// The page's "CRM" section (reads /ui/api/section/crm, built by sections/crm.ts): the deal board of
// a pipeline (a column per stage: count, amount, the newest deals), the leads list, the company
// structure and the news feed. Every text of a record is escaped; BB-code of posts and comments
// goes through bbcodeToHtml, which escapes what it does not turn into markup.

const TABS = [
  ["deals", "#crm", "Deals"],
  ["leads", "#crm/leads", "Leads"],
  ["departments", "#crm/departments", "Company structure"],
  ["feed", "#crm/feed", "Feed"],
];


const number = (n) => Number(n).toLocaleString("en-US", { maximumFractionDigits: 2 });
const money = (amount, currency) => `${number(amount)}${currency ? ` ${currency}` : ""}`;
const plural = (n, one, many) => `${number(n)} ${n === 1 ? one : many}`;

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

let shown = "";
export function render(container, data, helpers) {
  const { escapeHtml } = helpers;
  const tabs = TABS.map(([view, href, label]) => `<a class="crm-tab${data.view === view ? " selected" : ""}" href="${href}">${escapeHtml(label)}</a>`).join("");
  const body = data.view === "leads" ? leads(data, helpers) : data.view === "departments" ? structure(data, helpers) : data.view === "feed" ? feed(data, helpers) : board(data, helpers);
  const html = `<div class="crm" data-view="${escapeHtml(data.view)}"><nav class="crm-tabs">${tabs}</nav>${body}</div>`;
  // A redraw that changes nothing keeps the elements (a scrolled board stays where it was).
  if (html === shown && container.firstElementChild?.classList.contains("crm")) return;
  shown = html;
  container.innerHTML = html;
}

// ---- the deal board ----

function board(data, { escapeHtml, avatar }) {
  const switcher = data.pipelines
    .map((p) => `<a class="crm-pipeline${p.id === data.pipeline ? " selected" : ""}" href="#crm/deals/${p.id}" data-pipeline="${p.id}">${escapeHtml(p.name)}</a>`)
    .join("");
  const columns = data.stages
    .map((stage) => {
      const sums = Object.entries(stage.sums)
        .filter(([, sum]) => sum !== 0)
        .map(([currency, sum]) => money(sum, currency))
        .join(" · ");
      const cards = stage.deals
        .map(
          (deal) =>
            `<article class="crm-card" data-deal-id="${deal.id}">` +
            `<div class="crm-card-title">${escapeHtml(deal.title) || `<span class="muted">Deal #${deal.id}</span>`}</div>` +
            `<div class="crm-card-amount">${escapeHtml(money(deal.opportunity, deal.currency))}</div>` +
            `<div class="crm-card-person">${avatar(deal.assignedName, deal.assignedColor, "crm-avatar")}<span>${escapeHtml(deal.assignedName)}</span></div>` +
            `</article>`,
        )
        .join("");
      const more = stage.count > stage.deals.length ? `<p class="crm-more">${escapeHtml(`and ${number(stage.count - stage.deals.length)} more`)}</p>` : "";
      return (
        `<section class="crm-stage crm-semantic-${escapeHtml(stage.semantic)}" data-stage-id="${escapeHtml(stage.id)}">` +
        `<header class="crm-stage-head"><span class="crm-stage-name">${escapeHtml(stage.name)}</span> <span class="crm-stage-count">${number(stage.count)}</span>` +
        `<div class="crm-stage-sum">${escapeHtml(sums)}</div></header>` +
        `<div class="crm-cards">${cards || `<p class="empty">No deals</p>`}</div>${more}</section>`
      );
    })
    .join("");
  return (
    `<header class="crm-head"><h1>Deals</h1><nav class="crm-pipelines" aria-label="Pipelines">${switcher}</nav>` +
    `<span class="crm-total">${escapeHtml(plural(data.total, "deal", "deals"))}; up to ${data.perStage} newest shown per stage</span></header>` +
    `<div class="crm-board">${columns}</div>`
  );
}

// ---- leads ----

function leads(data, { escapeHtml, dayOf }) {
  const rows = data.leads
    .map(
      (lead) =>
        `<tr data-lead-id="${lead.id}"><td class="crm-id">${lead.id}</td>` +
        `<td class="crm-lead-title">${escapeHtml(lead.title)}</td>` +
        `<td><span class="crm-status crm-semantic-${escapeHtml(lead.semantic)}" title="${escapeHtml(lead.status)}">${escapeHtml(lead.statusName)}</span></td>` +
        `<td class="crm-lead-name">${escapeHtml(lead.name)}${lead.company ? `<div class="muted">${escapeHtml(lead.company)}</div>` : ""}</td>` +
        `<td class="crm-lead-contacts">${[...lead.phones, ...lead.emails].map((v) => `<div>${escapeHtml(v)}</div>`).join("")}</td>` +
        `<td>${escapeHtml(lead.assignedName)}</td><td class="muted">${escapeHtml(dayOf(lead.created))}</td></tr>`,
    )
    .join("");
  const pager =
    data.pages > 1
      ? `<nav class="crm-pager">` +
        (data.page > 1 ? `<a href="#crm/leads/${data.page - 1}">← newer</a>` : "") +
        `<span>page ${number(data.page)} of ${number(data.pages)}</span>` +
        (data.page < data.pages ? `<a href="#crm/leads/${data.page + 1}">older →</a>` : "") +
        `</nav>`
      : "";
  return (
    `<header class="crm-head"><h1>Leads</h1><span class="crm-total">${escapeHtml(plural(data.total, "lead", "leads"))}</span>${pager}</header>` +
    (data.leads.length === 0
      ? `<p class="empty">No leads yet.</p>`
      : `<table class="crm-table"><thead><tr><th>ID</th><th>Lead</th><th>Stage</th><th>Name</th><th>Phone, e-mail</th><th>Responsible</th><th>Created</th></tr></thead><tbody>${rows}</tbody></table>`)
  );
}

// ---- the company structure ----

function person(p, { escapeHtml, avatar }) {
  return (
    `<li class="crm-person${p.active ? "" : " inactive"}${p.head ? " head" : ""}" data-user-id="${p.id}">${avatar(p.name, p.color, "crm-avatar")}` +
    `<span class="crm-person-name">${escapeHtml(p.name)}</span>` +
    (p.position ? ` <span class="muted">${escapeHtml(p.position)}</span>` : "") +
    (p.head ? ` <span class="crm-badge">head</span>` : "") +
    (p.active ? "" : ` <span class="crm-badge">dismissed</span>`) +
    `</li>`
  );
}

function department(node, helpers) {
  const { escapeHtml } = helpers;
  return (
    `<li class="crm-department" data-department-id="${node.id}"><div class="crm-department-box">` +
    `<div class="crm-department-name">${escapeHtml(node.name)}</div>` +
    `<div class="crm-department-head">Head: ${node.head ? `<b>${escapeHtml(node.head.name)}</b>` : `<span class="muted">none</span>`}</div>` +
    (node.people.length > 0 ? `<ul class="crm-people">${node.people.map((p) => person(p, helpers)).join("")}</ul>` : `<p class="muted">No employees</p>`) +
    `</div>` +
    (node.children.length > 0 ? `<ul class="crm-tree">${node.children.map((child) => department(child, helpers)).join("")}</ul>` : "") +
    `</li>`
  );
}

function structure(data, helpers) {
  const { escapeHtml } = helpers;
  return (
    `<header class="crm-head"><h1>Company structure</h1></header>` +
    (data.departments.length > 0 ? `<ul class="crm-tree crm-tree-root">${data.departments.map((d) => department(d, helpers)).join("")}</ul>` : `<p class="empty">No departments.</p>`) +
    (data.unplaced.length > 0 ? `<h2 class="crm-subhead">${escapeHtml("Not in any department")}</h2><ul class="crm-people">${data.unplaced.map((p) => person(p, helpers)).join("")}</ul>` : "")
  );
}

// ---- the news feed ----

function fileList(files, { escapeHtml }) {
  if (files.length === 0) return "";
  return `<ul class="crm-files">${files.map((f) => `<li class="crm-file"><span class="crm-badge">file</span> ${escapeHtml(f.name)} <span class="muted">${escapeHtml(size(f.size))}</span></li>`).join("")}</ul>`;
}

function when(date, { dayOf, timeOf }) {
  return `${dayOf(date)} ${timeOf(date)}`;
}

function feed(data, helpers) {
  const { escapeHtml, bbcodeToHtml, avatar, userName } = helpers;
  const text = (t) => bbcodeToHtml(t, { userName });
  const posts = data.posts
    .map((post) => {
      const to = post.destinations.map((d) => `<span class="crm-dest" data-code="${escapeHtml(d.code)}">${escapeHtml(d.name)}</span>`).join("");
      const important = post.important
        ? `<div class="crm-important">Important${post.importantUntil ? ` until ${escapeHtml(helpers.dayOf(post.importantUntil))}` : ""} · ` +
          (post.readers.length > 0 ? `read by ${post.readers.map((r) => `<span class="crm-reader">${escapeHtml(r.name)}</span>`).join(", ")}` : `nobody has read it yet`) +
          `</div>`
        : "";
      const commentList = post.comments
        .map(
          (c) =>
            `<li class="crm-comment" data-comment-id="${c.id}">${avatar(c.authorName, c.authorColor, "crm-avatar")}<div>` +
            `<div class="crm-comment-head"><b>${escapeHtml(c.authorName)}</b> <time class="muted">${escapeHtml(when(c.date, helpers))}</time></div>` +
            `<div class="crm-comment-text">${text(c.text)}</div>${fileList(c.files, helpers)}</div></li>`,
        )
        .join("");
      return (
        `<article class="crm-post${post.important ? " important" : ""}" data-post-id="${post.id}">` +
        `<header class="crm-post-head">${avatar(post.authorName, post.authorColor, "crm-avatar")}<div><b class="crm-post-author">${escapeHtml(post.authorName)}</b>` +
        ` <span class="muted">to</span> ${to}<div class="muted"><time>${escapeHtml(when(post.date, helpers))}</time></div></div></header>` +
        important +
        (post.title ? `<h2 class="crm-post-title">${escapeHtml(post.title)}</h2>` : "") +
        `<div class="crm-post-text">${text(post.text)}</div>` +
        fileList(post.files, helpers) +
        `<footer class="crm-post-foot">${escapeHtml(plural(post.comments.length, "comment", "comments"))}</footer>` +
        (commentList ? `<ul class="crm-comments">${commentList}</ul>` : "") +
        `</article>`
      );
    })
    .join("");
  const count = data.total > data.posts.length ? `${number(data.posts.length)} newest of ${plural(data.total, "post", "posts")}` : plural(data.total, "post", "posts");
  return `<header class="crm-head"><h1>Feed</h1><span class="crm-total">${escapeHtml(count)}</span></header>` + (posts ? `<div class="crm-feed">${posts}</div>` : `<p class="empty">No posts yet.</p>`);
}
