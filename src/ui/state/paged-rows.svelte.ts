// Rows of a remote table fetched page by page as a virtual list asks for them. Reading a row that is
// not loaded yet schedules its page (outside the render, as Svelte requires) and returns undefined.
// Knows nothing of ELF: the caller supplies how to fetch a page.

import { SvelteMap } from 'svelte/reactivity';

export type PageFetcher<T> = (start: number, count: number) => Promise<{ total: number; rows: T[] } | null>;

export class PagedRows<T> {
  total = $state(0);
  loading = $state(false);
  /** The last fetch failure (a stopped worker, a bad query), shown by the grid. */
  error = $state('');
  /** True from resetAfter() until its reset starts: the rows shown are about to be replaced (a
   *  row picked then is on the old query), so the grid says it is busy, as while loading. */
  pending = $state(false);
  private readonly pages = new SvelteMap<number, T[]>();
  private readonly requested = new Set<number>();
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly fetchPage: PageFetcher<T>, readonly pageSize = 256) {}

  /** reset() after `delay` ms, for a query that changes as the user types; a later call or cancel()
   *  replaces it (its promise then never settles). `before` runs right before the reset. */
  resetAfter(delay: number, before?: () => void): Promise<void> {
    this.cancel();
    this.pending = true;
    return new Promise((resolve) => {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pending = false;
        before?.();
        void this.reset().then(resolve);
      }, delay);
    });
  }

  /** Drops a reset that resetAfter() scheduled. */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = false;
  }

  /** Loads the first page (and the total); call again after the query changes. */
  async reset(): Promise<void> {
    this.generation++;
    this.requested.clear();
    this.pages.clear();
    this.total = 0;
    await this.load(0);
  }

  row(i: number): T | undefined {
    const page = Math.floor(i / this.pageSize);
    const rows = this.pages.get(page);
    if (!rows && !this.requested.has(page)) {
      this.requested.add(page);
      queueMicrotask(() => void this.load(page));
    }
    return rows?.[i - page * this.pageSize];
  }

  private async load(page: number): Promise<void> {
    const generation = this.generation;
    this.requested.add(page);
    this.loading = true;
    try {
      const r = await this.fetchPage(page * this.pageSize, this.pageSize);
      if (generation !== this.generation || !r) return;
      this.error = '';
      this.total = r.total;
      this.pages.set(page, r.rows);
    } catch (err) {
      if (generation === this.generation) {
        const stopped = err instanceof Error && err.name === 'WorkerStoppedError';
        this.error = stopped ? `Stopped: ${err.message}. Change the query to run it again.` : err instanceof Error ? err.message : String(err);
      }
      this.requested.delete(page);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }
}

/** [0, 1, ..., n-1] for a virtual list's `data` (rows themselves are fetched lazily). A plain loop:
 *  Array.from with a map function took 50-165 ms for a 1 M-row hex window (a main-thread long task),
 *  the loop 8-16 ms. */
export function indices(n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
