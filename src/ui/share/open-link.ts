// Opening the page from a link: decode the fragment (src/ui/url), restore the session, or — for
// a malformed, truncated or hostile link, or one naming what this build lacks — open the default
// sample and say what was wrong. Links to large user files return a LinkRequest to fill first.
import { decodeState } from '../url/codec.ts';
import type { PlaygroundState } from '../url/state.ts';
import type { Sample } from '../state/samples.ts';
import type { Workspace } from '../state/workspace.svelte.ts';
import { LinkRequest } from './link-request.svelte.ts';
import { restoreState } from './restore.ts';

export const unreadableTitle = 'This link could not be opened';

/** Opens `hash` (a location.hash); null when done, or a request for the user's files. */
export async function openLink(ws: Workspace, hash: string, samples: Sample[], fallback: Sample | undefined): Promise<LinkRequest | null> {
  let state: PlaygroundState | null = null;
  let problem = '';
  if (hash.length > 1) {
    try {
      state = decodeState(hash);
    } catch (err) {
      problem = (err as Error).message;
    }
  }
  if (state) {
    const request = new LinkRequest(state);
    if (request.missing.length) {
      await ws.closeAll();
      return request;
    }
    problem = await restoreOrSay(ws, state, samples, request.provided);
    if (!problem) return null;
  }
  if (fallback) await ws.openSample(fallback);
  if (problem) ws.problem = { title: unreadableTitle, message: problem };
  return null;
}

/** Restores a state whose files are all at hand; '' or what went wrong. */
export async function restoreOrSay(ws: Workspace, state: PlaygroundState, samples: Sample[], provided: ReadonlyMap<string, File>): Promise<string> {
  try {
    await restoreState(ws, state, samples, provided);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}
