// @ts-check
// The widget docs page: a badge for whatever domain the reader checked above.
const slot = /** @type {HTMLElement} */ (document.getElementById('badge-slot'));
const demo = /** @type {any} */ (document.getElementById('demo-check'));
document.getElementById('badge-show')?.addEventListener('click', () => {
  const typed = demo?.shadowRoot?.querySelector('input')?.value?.trim() || 'example.com';
  const badge = document.createElement('mtasts-check');
  badge.setAttribute('domain', typed);
  badge.setAttribute('compact', '');
  slot.replaceChildren(badge);
});
