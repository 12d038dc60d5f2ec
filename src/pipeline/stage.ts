// The contract every stage (link, sorttable, relocs, strip, sysmap, kaslr, mismatch) follows:
// a pure function from input bytes to new output bytes plus a serialisable record of what it did.
// A stage never edits its input buffers; the playground renders records and never recomputes them.

/** A message a stage reports, shaped like the native tool's (file, where, what). */
export interface Diagnostic {
  severity: 'error' | 'warning' | 'note';
  message: string;
  file?: string;
  /** Byte offset in `file`, when the problem has one. */
  offset?: number;
  /** 1-based script line and column, for linker-script problems. */
  line?: number;
  column?: number;
  /** The relocation of `file` the problem is about: its SHT_RELA section and index there. */
  relocation?: { section: number; index: number };
  /** The symbol the problem is about, and the files whose symbol tables hold it. */
  symbol?: { name: string; files: string[] };
}

/** Raised by a stage for a user-caused failure (unknown relocation, absolute reference where none
 *  is allowed, ...); carries the diagnostics and the exit code the native tool would use. */
export class StageError extends Error {
  readonly diagnostics: Diagnostic[];
  readonly exitCode: number;
  constructor(message: string, diagnostics: Diagnostic[] = [], exitCode = 1) {
    super(message);
    this.name = 'StageError';
    this.diagnostics = diagnostics.length ? diagnostics : [{ severity: 'error', message }];
    this.exitCode = exitCode;
  }
}

export interface StageResult<TRecord> {
  /** New artifacts by file name (e.g. 'vmlinux', 'vmlinux.relocs', 'System.map'). */
  outputs: Record<string, Uint8Array>;
  /** Plain, structured-cloneable data describing what the stage did. */
  record: TRecord;
  diagnostics: Diagnostic[];
}

/** Each stage module also exports a short explanation the UI shows beside it. */
export interface StageDescription {
  id: string;
  title: string;
  /** Two or three sentences: what it does and why the kernel needs it. */
  explanation: string;
  /** The kernel file or psABI section it follows. */
  follows: string;
}
