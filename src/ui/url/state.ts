// The shareable playground state: what a URL carries, and how a decoded value is checked.
// Only plain data: the page rebuilds everything else (artifacts, records) by rerunning the pipeline.
// Large user files travel by name, size and SHA-256 only; the page asks for the same file again.

export const CURRENT_VERSION = 1;

/** A small user file embedded in the URL (its bytes travel compressed with the state). */
export interface EmbeddedFile {
  name: string;
  bytes: Uint8Array;
  /** The artifact name it was used as ("use as vmlinux.unstripped"), when not its own name. */
  as?: string;
}

/** A file too large to embed: the page asks the user to drop it again and checks its hash. */
export interface ReferencedFile {
  name: string;
  size: number;
  sha256: string;
  as?: string;
}

export type InputSource =
  | { kind: 'sample'; id: string }
  /** User files: small ones embedded, large ones referenced (a link may mix both). */
  | { kind: 'files'; files: (EmbeddedFile | ReferencedFile)[] }
  | { kind: 'external'; files: ReferencedFile[] };

export interface ViewState {
  /** Artifact shown, by file name (e.g. 'vmlinux.unstripped'). */
  artifact: string;
  /** Which pane: 'sections', 'symbols', 'relocations', 'hex', 'map', 'text', ... */
  pane: string;
  filter?: string;
  sort?: { column: string; descending: boolean };
  /** Selected row key (symbol index, relocation "section:index", hex offset, ...). */
  row?: string;
}

export interface PlaygroundState {
  version: number;
  input: InputSource;
  /** The linker script text when the user edited it. */
  script?: string;
  /** Which open file `script` replaces (default: the first *.lds / *.ld input). */
  scriptFile?: string;
  /** Link and stage options, as the CLI spells them: `kernel`, and for the user's own files `ld`
   *  (the link command typed in the playground). */
  options: Record<string, string | boolean>;
  /** Pipeline mode and the step the user is on (index into the rule list). */
  mode: 'declarative' | 'postlink';
  step: number;
  view: ViewState;
}

export class UrlStateError extends Error {
  constructor(problem: string) {
    super(`This link's state could not be read: ${problem}`);
    this.name = 'UrlStateError';
  }
}

export function defaultState(sampleId: string): PlaygroundState {
  return {
    version: CURRENT_VERSION,
    input: { kind: 'sample', id: sampleId },
    options: {},
    mode: 'declarative',
    step: 0,
    view: { artifact: '', pane: 'sections' },
  };
}

const LIMITS = { name: 256, text: 1 << 20, files: 64, stepMax: 1000, optionCount: 64, optionValue: 4096 };

/** Checks a decoded value field by field; throws UrlStateError naming the first bad field. */
export function validateState(value: unknown): PlaygroundState {
  const s = record(value, 'state');
  const version = integer(s.version, 'version', 1, CURRENT_VERSION);
  const input = validateInput(s.input);
  const script = s.script === undefined ? undefined : text(s.script, 'script', LIMITS.text);
  const scriptFile = s.scriptFile === undefined ? undefined : text(s.scriptFile, 'scriptFile', LIMITS.name);
  const optionsIn = record(s.options ?? {}, 'options');
  const entries = Object.entries(optionsIn);
  if (entries.length > LIMITS.optionCount) throw new UrlStateError(`too many options (${entries.length})`);
  const options: Record<string, string | boolean> = {};
  for (const [k, v] of entries) {
    if (typeof v !== 'string' && typeof v !== 'boolean') throw new UrlStateError(`option "${k.slice(0, 40)}" is not a string or boolean`);
    options[text(k, 'option name', LIMITS.name)] = typeof v === 'string' ? text(v, `option ${k}`, LIMITS.optionValue) : v;
  }
  if (s.mode !== 'declarative' && s.mode !== 'postlink') throw new UrlStateError('mode must be "declarative" or "postlink"');
  const step = integer(s.step, 'step', 0, LIMITS.stepMax);
  const v = record(s.view, 'view');
  const view: ViewState = { artifact: text(v.artifact, 'view.artifact', LIMITS.name), pane: text(v.pane, 'view.pane', 40) };
  if (v.filter !== undefined) view.filter = text(v.filter, 'view.filter', 4096);
  if (v.row !== undefined) view.row = text(v.row, 'view.row', LIMITS.name);
  if (v.sort !== undefined) {
    const so = record(v.sort, 'view.sort');
    if (typeof so.descending !== 'boolean') throw new UrlStateError('view.sort.descending is not a boolean');
    view.sort = { column: text(so.column, 'view.sort.column', 40), descending: so.descending };
  }
  const state: PlaygroundState = { version, input, script, options, mode: s.mode, step, view };
  if (scriptFile !== undefined) state.scriptFile = scriptFile;
  return state;
}

function validateInput(value: unknown): InputSource {
  const i = record(value, 'input');
  if (i.kind === 'sample') return { kind: 'sample', id: text(i.id, 'input.id', LIMITS.name) };
  const files = i.files;
  if (!Array.isArray(files) || files.length === 0 || files.length > LIMITS.files) {
    throw new UrlStateError(`input.files must list 1 to ${LIMITS.files} files`);
  }
  if (i.kind === 'files') {
    return {
      kind: 'files',
      files: files.map((f, n) => {
        const r = record(f, `input.files[${n}]`);
        if (r.bytes === undefined && r.sha256 !== undefined) return referencedFile(r, n);
        if (!(r.bytes instanceof Uint8Array)) throw new UrlStateError(`input.files[${n}] has no bytes`);
        return withAs<EmbeddedFile>({ name: text(r.name, `input.files[${n}].name`, LIMITS.name), bytes: r.bytes }, r, n);
      }),
    };
  }
  if (i.kind === 'external') {
    return { kind: 'external', files: files.map((f, n) => referencedFile(record(f, `input.files[${n}]`), n)) };
  }
  throw new UrlStateError('input.kind must be "sample", "files" or "external"');
}

function referencedFile(r: Record<string, unknown>, n: number): ReferencedFile {
  const sha256 = text(r.sha256, `input.files[${n}].sha256`, 64);
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new UrlStateError(`input.files[${n}].sha256 is not 64 hex digits`);
  return withAs<ReferencedFile>({ name: text(r.name, `input.files[${n}].name`, LIMITS.name), size: integer(r.size, `input.files[${n}].size`, 0, 2 ** 53 - 1), sha256 }, r, n);
}

function withAs<T extends { as?: string }>(file: T, r: Record<string, unknown>, n: number): T {
  if (r.as !== undefined) file.as = text(r.as, `input.files[${n}].as`, LIMITS.name);
  return file;
}

function record(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UrlStateError(`${what} is not an object`);
  return v as Record<string, unknown>;
}

function text(v: unknown, what: string, max: number): string {
  if (typeof v !== 'string') throw new UrlStateError(`${what} is not a string`);
  if (v.length > max) throw new UrlStateError(`${what} is longer than ${max} characters`);
  return v;
}

function integer(v: unknown, what: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new UrlStateError(`${what} must be an integer from ${min} to ${max}`);
  }
  return v;
}
