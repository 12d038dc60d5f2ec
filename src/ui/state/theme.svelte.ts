// Light/dark theme: follows prefers-color-scheme until the user picks one, which is remembered in
// localStorage. Applies by setting data-theme on <html>; the palettes live in app.css.

export type Theme = 'light' | 'dark';

export class ThemeState {
  current = $state<Theme>('light');

  constructor() {
    const saved = globalThis.localStorage?.getItem('ldplay-theme');
    const prefersDark = globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
    this.current = saved === 'light' || saved === 'dark' ? saved : prefersDark ? 'dark' : 'light';
    this.apply();
  }

  toggle(): void {
    this.current = this.current === 'dark' ? 'light' : 'dark';
    globalThis.localStorage?.setItem('ldplay-theme', this.current);
    this.apply();
  }

  private apply(): void {
    document.documentElement.dataset.theme = this.current;
  }
}
