// The largest image ldplay will write: sizes come from input headers, so a damaged object can ask
// for terabytes. Check before allocating and say which input caused it, as a StageError.
import { HotMemoryError } from '../hot/memory.ts';
import { StageError } from '../pipeline/stage.ts';

/** 2 GiB: far above any real vmlinux, and below what a browser tab can hold twice. */
export const MAX_OUTPUT_BYTES = 2 ** 31;

export function checkOutputSize(what: string, size: number, cause?: string): void {
  if (size >= 0 && size <= MAX_OUTPUT_BYTES) return;
  if (size < 0) throw new StageError(`ld: ${what} would be negative${cause ? ` (from ${cause})` : ''}`);
  throw new StageError(`ld: ${what} would be ${size} bytes, beyond the ${MAX_OUTPUT_BYTES}-byte limit${cause ? ` (largest input: ${cause})` : ''}`);
}

/** Makes an arena, or says as an ld error that the link does not fit one WebAssembly memory (wasm32
 *  addresses 4 GiB; a browser may also refuse a large memory). */
export function inOneMemory<T>(what: string, make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (!(e instanceof HotMemoryError) && !(e instanceof RangeError)) throw e;
    throw new StageError(`ld: cannot hold ${what} in memory: ${e.message}`);
  }
}
