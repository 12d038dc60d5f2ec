// The address bar as playground state: which sample, kernel version, artifact and view are shown,
// encoded by src/ui/url (versioned, validated). User files are not put in the link (they may be
// hundreds of MB); a link to them would only name them, so only sample sessions are linkable.

import { decodeState, encodeState } from '../url/codec.ts';
import { CURRENT_VERSION, UrlStateError, type PlaygroundState } from '../url/state.ts';
import type { Pane } from './workspace.svelte.ts';

export interface LinkedView {
  sample: string;
  kernel: string;
  artifact: string;
  pane: Pane;
}

const panes: Pane[] = ['sections', 'map', 'symbols', 'relocations', 'hex', 'text', 'script'];

/** The fragment for a view, or '' when nothing linkable is shown. */
export function fragmentOf(view: LinkedView): string {
  if (!view.sample) return '';
  const state: PlaygroundState = {
    version: CURRENT_VERSION,
    input: { kind: 'sample', id: view.sample },
    options: { kernel: view.kernel },
    mode: 'declarative',
    step: 0,
    view: { artifact: view.artifact, pane: view.pane },
  };
  return `#${encodeState(state)}`;
}

/** The view a link asks for; null without state; UrlStateError for a link that cannot be read. */
export function viewOf(hash: string): LinkedView | null {
  if (!hash.startsWith('#s=')) return null;
  const state = decodeState(hash);
  if (state.input.kind !== 'sample') throw new UrlStateError('this link refers to your own files, which links do not carry; open them again');
  const kernel = typeof state.options.kernel === 'string' ? state.options.kernel : '6.15';
  const pane = panes.includes(state.view.pane as Pane) ? (state.view.pane as Pane) : 'sections';
  return { sample: state.input.id, kernel, artifact: state.view.artifact, pane };
}
