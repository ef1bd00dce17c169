// The console's only script (served from 'self', as the Content-Security-Policy requires): the approvals inbox
// refreshes when the server says the approvals changed, without a reload. A list is not replaced while someone is
// typing in it; it is refreshed when they leave the field.
(() => {
  const section = document.getElementById('approvals');
  if (!section || !window.EventSource) {
    return;
  }

  let stale = false;
  const typing = () => section.contains(document.activeElement) && document.activeElement.matches('input, textarea');
  const refresh = async () => {
    if (typing()) {
      stale = true;
      return;
    }

    stale = false;
    const response = await fetch(section.dataset.refresh, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
    if (response.ok) {
      section.innerHTML = await response.text();
      section.dispatchEvent(new CustomEvent('refreshed'));
    } else if (response.status === 401 || response.redirected) {
      window.location.reload();
    }
  };

  section.addEventListener('focusout', () => setTimeout(() => stale && refresh(), 0));
  const source = new EventSource(section.dataset.live);
  source.addEventListener('approvals', refresh);
})();
