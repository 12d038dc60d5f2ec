// The built-in samples, bundled as same-origin static assets by Vite (import.meta.glob with ?url):
// samples/index.json lists them; each samples/<id>/ holds sample.json, objects, script and sources.
// Tolerates a missing samples/ tree (the glob is then empty); fetches nothing but the app's origin.

export interface SampleFile {
  name: string;
  url: string;
}

export interface Sample {
  id: string;
  title: string;
  description: string;
  /** Files to open as artifacts (objects, archives, linker scripts), in sample.json's order. */
  files: SampleFile[];
  /** Sources, shown beside the objects built from them. */
  sources: SampleFile[];
  /** GNU ld's arguments for this sample's link, as sample.json records them. */
  ld?: string[];
  /** The kernel graph the sample is laid out for (the mini kernel's zero-based per-CPU data is
   *  x86-64 before 6.15; the 6.15 relocs tool rejects it); opening the sample selects it. */
  kernel?: string;
}

type Json = Record<string, unknown>;

const indexes = import.meta.glob<Json>('../../../samples/index.json', { eager: true, import: 'default' });
const manifests = import.meta.glob<Json>('../../../samples/*/sample.json', { eager: true, import: 'default' });
const assets = import.meta.glob<string>(
  ['../../../samples/*/*.{o,a,ko,lds,ld,elf}', '../../../samples/*/*.{c,h,s,S}', '../../../samples/*/vmlinux*'],
  { eager: true, query: '?url', import: 'default' },
);

const sourceName = /\.(c|h|s|S)$/;

function text(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : fallback;
}

/** Entries of index.json: an array, or `{ samples: [...] }`; each an id string or `{ id, title, ... }`. */
function indexEntries(): Json[] {
  const index = Object.values(indexes)[0] as unknown;
  const list = Array.isArray(index) ? index : Array.isArray((index as Json | undefined)?.samples) ? (index as Json).samples as unknown[] : [];
  return list.map((e) => (typeof e === 'string' ? { id: e } : (e as Json)));
}

export function listSamples(): Sample[] {
  const byDir = new Map<string, SampleFile[]>();
  for (const [path, url] of Object.entries(assets)) {
    const m = /samples\/([^/]+)\/([^/]+)$/.exec(path);
    if (!m) continue;
    if (!byDir.has(m[1])) byDir.set(m[1], []);
    byDir.get(m[1])!.push({ name: m[2], url });
  }
  const entries = indexEntries();
  const ids = entries.length ? entries.map((e) => text(e.id)) : [...byDir.keys()].sort();
  return ids.filter((id) => byDir.has(id)).map((id) => {
    const entry = entries.find((e) => e.id === id) ?? {};
    const manifest = manifests[`../../../samples/${id}/sample.json`] ?? {};
    const all = byDir.get(id)!;
    const order = (manifest.inputs ?? manifest.objects ?? manifest.files) as unknown;
    const named = Array.isArray(order) ? order.map((n) => text(typeof n === 'string' ? n : (n as Json).name)) : [];
    const files = all.filter((f) => !sourceName.test(f.name))
      .sort((a, b) => rank(named, a.name) - rank(named, b.name) || a.name.localeCompare(b.name));
    return {
      id,
      title: text(entry.title ?? manifest.title, id),
      description: text(entry.description ?? entry.summary ?? manifest.description ?? manifest.summary),
      files,
      sources: all.filter((f) => sourceName.test(f.name)),
      ld: Array.isArray(manifest.ld) && manifest.ld.every((a) => typeof a === 'string') ? (manifest.ld as string[]) : undefined,
      kernel: typeof manifest.kernel === 'string' ? manifest.kernel : undefined,
    };
  });
}

function rank(order: string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}
