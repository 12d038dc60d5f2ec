// The parser's cursor over a ScriptLexer: typed expectations that raise ld-shaped syntax errors
// naming line, column, what was expected and what was found. It knows no grammar itself.
import type { SourceLocation } from './ast.ts';
import { LinkerScriptError } from './errors.ts';
import { ScriptLexer, type LexMode, type Token } from './lexer.ts';

/** Deepest expression nesting accepted, so hostile input cannot exhaust the stack. */
const MAX_DEPTH = 256;

export class TokenStream {
  readonly lexer: ScriptLexer;
  private depth = 0;

  constructor(text: string, file: string) {
    this.lexer = new ScriptLexer(text, file);
  }

  get file(): string { return this.lexer.file; }

  peek(mode: LexMode): Token { return this.lexer.peek(mode); }
  next(mode: LexMode): Token { return this.lexer.next(mode); }
  loc(token: Token): SourceLocation { return this.lexer.locate(token.start); }

  /** True when the next token is the operator `op` (and consumes it). */
  accept(op: string, mode: LexMode): boolean {
    const token = this.peek(mode);
    if (token.type === 'op' && token.text === op) {
      this.next(mode);
      return true;
    }
    return false;
  }

  /** True when the next token is the unquoted word `word` (and consumes it). */
  acceptWord(word: string, mode: LexMode): boolean {
    const token = this.peek(mode);
    if (token.type === 'name' && token.text === word) {
      this.next(mode);
      return true;
    }
    return false;
  }

  isOp(op: string, mode: LexMode): boolean {
    const token = this.peek(mode);
    return token.type === 'op' && token.text === op;
  }

  isWord(word: string, mode: LexMode): boolean {
    const token = this.peek(mode);
    return token.type === 'name' && token.text === word;
  }

  expectOp(op: string, mode: LexMode): Token {
    const token = this.next(mode);
    if (token.type !== 'op' || token.text !== op) throw this.unexpected(token, `'${op}'`);
    return token;
  }

  expectWord(word: string, mode: LexMode): Token {
    const token = this.next(mode);
    if (token.type !== 'name' || token.text !== word) throw this.unexpected(token, word);
    return token;
  }

  /** A name or quoted string; returns its text. */
  expectName(mode: LexMode, what = 'a name'): string {
    const token = this.next(mode);
    if (token.type !== 'name' && token.type !== 'string') throw this.unexpected(token, what);
    return token.text;
  }

  /** Runs `parse` one nesting level deeper; refuses input nested beyond MAX_DEPTH. */
  nested<T>(parse: () => T): T {
    if (this.depth >= MAX_DEPTH) {
      throw new LinkerScriptError(this.loc(this.peek('expression')), 'syntax error', `nested more than ${MAX_DEPTH} levels deep`);
    }
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  unexpected(token: Token, expected: string): LinkerScriptError {
    const found = token.type === 'eof' ? 'end of file' : token.type === 'string' ? `"${token.text}"` : `'${token.text}'`;
    return new LinkerScriptError(this.loc(token), 'syntax error', `expected ${expected}, found ${found}`);
  }
}
