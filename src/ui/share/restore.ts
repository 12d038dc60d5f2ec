// Opens what a PlaygroundState describes: the sample or the user's files (embedded ones rebuilt,
// referenced ones supplied by the user and checked by size and SHA-256), the edited script, the
// kernel graph, the steps up to the linked one, then the artifact, view, search and row.
import { UrlStateError, type PlaygroundState, type ReferencedFile } from '../url/state.ts';
import type { SymbolColumn } from '../../worker/api.ts';
import type { Sample } from '../state/samples.ts';
import type { Pane, Workspace } from '../state/workspace.svelte.ts';
import type { FileHasher } from './link-state.ts';

const panes: Pane[] = ['sections', 'map', 'symbols', 'relocations', 'hex', 'text', 'script', 'entries', 'linkmap', 'tables'];
const symbolColumns: readonly string[] = ['index', 'name', 'value', 'size', 'type', 'bind', 'section'] satisfies SymbolColumn[];

/** The referenced files of a state that `provided` does not hold yet. */
export function missingFiles(state: PlaygroundState, provided: ReadonlyMap<string, File>): ReferencedFile[] {
  if (state.input.kind === 'sample') return [];
  return state.input.files.flatMap((f) => ('sha256' in f && !('bytes' in f) && !provided.has(f.name) ? [f as ReferencedFile] : []));
}

/** Checks a dropped file against the link's reference; returns why it is not the same file, or ''. */
export async function checkReference(ref: ReferencedFile, file: File, hasher: FileHasher): Promise<string> {
  if (file.size !== ref.size) return `${file.name} is ${file.size} bytes; the link's ${ref.name} is ${ref.size} bytes`;
  const sha = await hasher.sha256(file);
  return sha === ref.sha256 ? '' : `${file.name} has SHA-256 ${sha}; the link's ${ref.name} has ${ref.sha256}`;
}

/** Rebuilds the linked session. Referenced files must be in `provided` (see missingFiles). */
export async function restoreState(ws: Workspace, state: PlaygroundState, samples: Sample[], provided: ReadonlyMap<string, File> = new Map()): Promise<void> {
  const kernel = state.options.kernel;
  if (typeof kernel === 'string' && kernel !== ws.kernel) {
    await ws.setKernel(kernel);
    if (ws.kernel !== kernel) throw new UrlStateError(`kernel version "${kernel.slice(0, 20)}" is not one this build knows`);
  }
  if (state.input.kind === 'sample') {
    const id = state.input.id;
    const sample = samples.find((s) => s.id === id);
    if (!sample) throw new UrlStateError(`no sample named "${id.slice(0, 60)}" in this build`);
    await ws.openSample(sample, typeof kernel === 'string');
  } else {
    const files = state.input.files.map((f) => ('bytes' in f ? new File([f.bytes as Uint8Array<ArrayBuffer>], f.name) : provided.get(f.name)));
    const absent = state.input.files.filter((_, i) => !files[i]).map((f) => f.name);
    if (absent.length) throw new UrlStateError(`the link needs ${absent.join(', ')}`);
    await ws.closeAll();
    await ws.openFiles(files as File[]);
    for (const f of state.input.files) if (f.as && f.as !== f.name) await ws.useAs(f.name, f.as);
    // The link command typed for these files; a refused one leaves the files open and says why.
    if (typeof state.options.ld === 'string' && state.options.ld) await ws.setLinkCommand(state.options.ld);
  }
  if (state.script !== undefined) {
    const name = state.scriptFile ?? ws.artifacts.find((a) => /\.(lds|ld)$/.test(a.name))?.name;
    if (!name || !ws.artifacts.some((a) => a.name === name)) throw new UrlStateError(`the edited script's file "${(name ?? '').slice(0, 60)}" is not open`);
    await ws.replaceText(name, state.script);
  }
  await runSteps(ws, state);
  const { view } = state;
  if (ws.artifacts.some((a) => a.name === view.artifact)) {
    ws.select(view.artifact, panes.includes(view.pane as Pane) ? (view.pane as Pane) : 'sections');
    ws.filter = view.filter ?? '';
    ws.sort = view.sort && symbolColumns.includes(view.sort.column) ? view.sort : null;
    if (view.pane === 'relocations') {
      // "section:index" (a relocation), or "section" alone; the pane says so if either is out of range.
      const [section, index] = (view.row ?? '').split(':').map((p) => (/^\d{1,9}$/.test(p) ? Number(p) : -1));
      ws.relocationSection = section ?? -1;
      ws.row = ws.relocationSection >= 0 && index !== undefined ? index : -1;
    } else if (view.pane === 'tables') {
      // "extable:index" or "orc:index": the table and its entry.
      const [table, index] = (view.row ?? '').split(':');
      ws.kernelTable = table === 'orc' ? 'orc' : 'extable';
      ws.row = /^\d{1,9}$/.test(index ?? '') ? Number(index) : -1;
    } else if (view.pane === 'linkmap') {
      // "sections:index" or "symbols:index": the list and its row (among the search's matches).
      const [list, index] = (view.row ?? '').split(':');
      ws.linkMapView = list === 'symbols' ? 'symbols' : 'sections';
      ws.row = /^\d{1,9}$/.test(index ?? '') ? Number(index) : -1;
    } else {
      const row = Number(view.row ?? -1);
      ws.row = Number.isSafeInteger(row) && row >= 0 ? row : -1;
    }
  }
}

/** Runs the graph up to the linked step, and further only if the linked artifact needs it. */
async function runSteps(ws: Workspace, state: PlaygroundState): Promise<void> {
  const target = ws.stages[Math.min(state.step, ws.stages.length) - 1];
  if (target) await ws.runStage(target.id);
  const maker = ws.stages.find((s) => s.outputs.includes(state.view.artifact));
  if (maker && !ws.artifacts.some((a) => a.name === state.view.artifact)) await ws.runStage(maker.id);
  ws.cursor = target ? ws.stages.findIndex((s) => s.id === target.id) : -1;
}
