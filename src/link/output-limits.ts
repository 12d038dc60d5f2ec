// The largest image ldplay will write: sizes come from input headers, so a damaged object can ask
// for terabytes. Check before allocating and say which input caused it, as a StageError.
import { StageError } from '../pipeline/stage.ts';

/** 2 GiB: far above any real vmlinux, and below what a browser tab can hold twice. */
export const MAX_OUTPUT_BYTES = 2 ** 31;

export function checkOutputSize(what: string, size: number, cause?: string): void {
  if (size >= 0 && size <= MAX_OUTPUT_BYTES) return;
  if (size < 0) throw new StageError(`ld: ${what} would be negative${cause ? ` (from ${cause})` : ''}`);
  throw new StageError(`ld: ${what} would be ${size} bytes, beyond the ${MAX_OUTPUT_BYTES}-byte limit${cause ? ` (largest input: ${cause})` : ''}`);
}
