// LinkerScriptError: the one error the linker-script parser and evaluator raise.
// It is a StageError carrying a diagnostic with file, line and column; its message starts the
// way GNU ld's does ("vmlinux.lds:12: syntax error") and adds our column and what was expected.
import { StageError } from '../../pipeline/stage.ts';
import type { SourceLocation } from './ast.ts';

export class LinkerScriptError extends StageError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The ld-shaped problem without location, e.g. "syntax error" or
   *  "undefined symbol `foo' referenced in expression". */
  readonly problem: string;

  constructor(loc: SourceLocation, problem: string, detail?: string) {
    const message = `${loc.file}:${loc.line}: ${problem}` +
      (detail ? ` (column ${loc.column}: ${detail})` : ` (column ${loc.column})`);
    super(message, [{ severity: 'error', message, file: loc.file, line: loc.line, column: loc.column }]);
    this.name = 'LinkerScriptError';
    this.file = loc.file;
    this.line = loc.line;
    this.column = loc.column;
    this.problem = problem;
  }
}
