// Registers public/sw.js (the precaching service worker) so a built site keeps working offline.
// Built sites only (import.meta.hot exists only under the dev server, whose modules change on every
// edit and must not be cached; NODE_ENV-based PROD is false for builds made inside tests).
// Scope is the page's own folder, so any base path on any static host works.

export function registerOffline(): void {
  if (import.meta.hot || !('serviceWorker' in navigator)) return;
  // A browser without service workers (or with them disabled) simply stays online-only.
  navigator.serviceWorker.register('./sw.js', { scope: './' }).catch(() => {});
}
