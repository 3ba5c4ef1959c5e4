// The page's "Tasks" section (reads /ui/api/section/tasks). Filled in by the region that owns it.
export function render(container, data, { escapeHtml }) {
  container.innerHTML = data.ready === false ? `<p class="empty">Tasks: not shown on this page yet.</p>` : `<pre>${escapeHtml(JSON.stringify(data, null, 1))}</pre>`;
}
