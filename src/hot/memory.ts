// One WebAssembly memory shared by every hot routine and by the ELF views over a loaded file:
// the file's bytes are read straight into it, so TypeScript and WebAssembly see the same bytes and
// a large vmlinux is never copied twice. A bump allocator hands out scratch space for routines.
// Growing a memory detaches old views, so callers reserve what a stage needs before taking views.

const PAGE = 65536;
/** wasm32 addresses 4 GiB; bytes [0, 8192) are the routines' histogram area (see wasm/*.wat). */
export const MAX_MEMORY_BYTES = 65536 * PAGE;
const RESERVED = 8192;

export class HotMemoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HotMemoryError';
  }
}

export class HotMemory {
  readonly memory: WebAssembly.Memory;
  private top = RESERVED;

  constructor(initialBytes = 1 << 20) {
    this.memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(initialBytes / PAGE)), maximum: 65536 });
  }

  /** Ensures `bytes` more can be allocated without growing later (which would detach views). */
  reserve(bytes: number): void {
    const need = this.top + bytes;
    if (need > MAX_MEMORY_BYTES) {
      throw new HotMemoryError(`needs ${formatBytes(need)}, more than WebAssembly's 4 GiB address space`);
    }
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / PAGE));
  }

  /** Allocates `bytes` (aligned to 8) and returns its byte offset in the memory. */
  alloc(bytes: number): number {
    const at = (this.top + 7) & ~7;
    this.reserve(at - this.top + bytes);
    this.top = at + bytes;
    return at;
  }

  /** Releases everything allocated after `mark` (a value `mark()` returned). */
  release(mark: number): void {
    this.top = mark;
  }
  mark(): number {
    return this.top;
  }

  /** Runs `use` and then releases everything it allocated (scratch space for one routine call). */
  scoped<T>(use: () => T): T {
    const mark = this.top;
    try {
      return use();
    } finally {
      this.top = mark;
    }
  }

  bytes(offset: number, length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, offset, length);
  }
}

export function formatBytes(n: number): string {
  return n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(2)} GiB` : `${(n / (1 << 20)).toFixed(1)} MiB`;
}
