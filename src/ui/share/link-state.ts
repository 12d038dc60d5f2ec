// The workspace as a shareable PlaygroundState (src/ui/url): sample or user files, edited linker
// script, kernel version, step, and the shown artifact, view, symbol search, sort and selected row.
// Small user files are embedded; large ones travel by name, size and SHA-256 (FileHasher).
import { CURRENT_VERSION, type EmbeddedFile, type PlaygroundState, type ReferencedFile } from '../url/state.ts';
import type { Workspace } from '../state/workspace.svelte.ts';
import { editedTextBytes } from '../state/edited-text.ts';
import { artifactBlob } from './download.ts';

/** User files up to this size travel inside the link; larger ones are referenced by hash. */
export const EMBED_LIMIT = 48 * 1024;
/** Other open inputs (a sample's objects left open beside user files) are embedded up to this size. */
export const EMBED_OTHER_LIMIT = 1 << 20;

/** SHA-256 of user files, computed once per File (WebCrypto over the file's bytes). */
export class FileHasher {
  private readonly done = new WeakMap<Blob, Promise<string>>();

  sha256(file: Blob): Promise<string> {
    let p = this.done.get(file);
    if (!p) {
      p = file.arrayBuffer().then((b) => crypto.subtle.digest('SHA-256', b)).then(hex);
      this.done.set(file, p);
    }
    return p;
  }
}

function hex(digest: ArrayBuffer): string {
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The view part every link shares: kernel, step, artifact, pane and (in the symbols view) search and
 *  row; in the relocations view the section and relocation, as "section:index" ("look at this relocation");
 *  in vmlinux.relocs' entries the entry; in the link map its list and row; in a text the text found and
 *  its line. */
function baseState(ws: Workspace): Omit<PlaygroundState, 'input'> {
  const view: PlaygroundState['view'] = { artifact: ws.selected, pane: ws.pane };
  if (ws.pane === 'symbols') {
    if (ws.filter) view.filter = ws.filter;
    if (ws.row >= 0) view.row = String(ws.row);
    if (ws.sort) view.sort = { ...ws.sort };
  } else if (ws.pane === 'relocations' && ws.relocationSection >= 0) {
    view.row = ws.row >= 0 ? `${ws.relocationSection}:${ws.row}` : String(ws.relocationSection);
  } else if (ws.pane === 'linkmap') {
    // The link map: its list, the search and the row among its matches.
    if (ws.filter) view.filter = ws.filter;
    view.row = ws.row >= 0 ? `${ws.linkMapView}:${ws.row}` : ws.linkMapView;
  } else if (ws.pane === 'tables') {
    view.row = ws.row >= 0 ? `${ws.kernelTable}:${ws.row}` : ws.kernelTable;
  } else if (ws.pane === 'text') {
    // A text artifact: the text found and its line.
    if (ws.filter) view.filter = ws.filter;
    if (ws.row >= 0) view.row = String(ws.row);
  } else if (ws.pane === 'entries') {
    // vmlinux.relocs' entries: the search and the row among its matches.
    if (ws.filter) view.filter = ws.filter;
    if (ws.row >= 0) view.row = String(ws.row);
  }
  return { version: CURRENT_VERSION, options: { kernel: ws.kernel }, mode: 'declarative', step: Math.max(0, ws.cursor + 1), view };
}

/** A sample session's state, built synchronously (the address bar follows it); null for user files. */
export function sampleState(ws: Workspace): PlaygroundState | null {
  if (!ws.sample) return null;
  const state: PlaygroundState = { ...baseState(ws), input: { kind: 'sample', id: ws.sample } };
  const edited = Object.entries(ws.editedScripts)[0];
  if (edited) { state.scriptFile = edited[0]; state.script = edited[1]; }
  return state;
}

/** The full state, user files included (reads small files and hashes large ones). */
export async function shareState(ws: Workspace, hasher: FileHasher): Promise<PlaygroundState> {
  const forSample = sampleState(ws);
  if (forSample) return forSample;
  const files: (EmbeddedFile | ReferencedFile)[] = [];
  // Every open input goes in the link; what a stage built is rebuilt from them by the steps.
  const inputs = ws.artifacts.filter((a) => !ws.stages.some((s) => s.outputs.includes(a.name) && s.runs > 0));
  for (const { name, size } of inputs) {
    const file = ws.userFiles[name];
    if (!file) {
      if (size > EMBED_OTHER_LIMIT) throw new Error(`${name} (${size} bytes) is too large to put in a link and is not a file you opened`);
      files.push({ name, bytes: new Uint8Array(await (await artifactBlob(ws.client, name, size)).arrayBuffer()) });
      continue;
    }
    const as = name === file.name ? {} : { as: name };
    const edited = ws.editedScripts[name];
    if (edited !== undefined) files.push({ name: file.name, bytes: editedTextBytes(edited), ...as });
    else if (file.size <= EMBED_LIMIT) files.push({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()), ...as });
    else files.push({ name: file.name, size: file.size, sha256: await hasher.sha256(file), ...as });
  }
  if (files.length === 0) throw new Error('nothing to link to: open a sample or your own files first');
  const base = baseState(ws);
  if (ws.linkCommand) base.options.ld = ws.linkCommand;
  return { ...base, input: { kind: 'files', files } };
}
