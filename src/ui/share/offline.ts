// Registers public/sw.js (the precaching service worker) so a built site keeps working offline.
// Production builds only: the dev server's modules change on every edit and must not be cached.
// Scope is the page's own folder, so any base path on any static host works.

export function registerOffline(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  // A browser without service workers (or with them disabled) simply stays online-only.
  navigator.serviceWorker.register('./sw.js', { scope: './' }).catch(() => {});
}
