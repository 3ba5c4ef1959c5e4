// The page's "CRM" section (reads /ui/api/section/crm). Filled in by the region that owns it.
export function render(container, data, { escapeHtml }) {
  container.innerHTML = data.ready === false ? `<p class="empty">CRM: not shown on this page yet.</p>` : `<pre>${escapeHtml(JSON.stringify(data, null, 1))}</pre>`;
}
