// The page's "Drive" section (reads /ui/api/section/drive). Filled in by the region that owns it.
export function render(container, data, { escapeHtml }) {
  container.innerHTML = data.ready === false ? `<p class="empty">Drive: not shown on this page yet.</p>` : `<pre>${escapeHtml(JSON.stringify(data, null, 1))}</pre>`;
}
