// Tokenizer for GNU ld linker scripts, with ld's context-dependent lexing: the parser asks for a
// token in a mode ('script', 'expression' or 'wild'), as ld's lexer switches start states. It does
// not know the grammar. Character classes and number forms follow ld 2.40 (checked against ld):
// `a-b` is one name at statement level but `a - b` in expressions; `abh` is the number 0xab.
import type { SourceLocation } from './ast.ts';
import { LinkerScriptError } from './errors.ts';

/** script: commands and statement starts (names may hold `-+:,=[]`); expression: symbols,
 *  numbers, operators; wild: input section patterns (names may also hold `*?^!`). */
export type LexMode = 'script' | 'expression' | 'wild';

export interface Token {
  /** name: unquoted word; string: quoted text (never a keyword); op: punctuation/operator. */
  type: 'name' | 'string' | 'number' | 'op' | 'eof';
  text: string;
  value: bigint;
  start: number;
  end: number;
}

const WORD = 0xffff_ffff_ffff_ffffn;

// Character classes as bitmaps over ASCII.
function charClass(chars: string): Uint8Array {
  const set = new Uint8Array(128);
  for (const range of chars.match(/.-.|./gs) ?? []) {
    if (range.length === 3) {
      for (let c = range.charCodeAt(0); c <= range.charCodeAt(2); c++) set[c] = 1;
    } else set[range.charCodeAt(0)] = 1;
  }
  return set;
}
const ALNUM = 'a-zA-Z0-9';
/** First character of a statement-level name, and the rest (ld's FILENAMECHAR1 / FILENAMECHAR). */
const SCRIPT_FIRST = charClass('_a-zA-Z/.\\$~');
const SCRIPT_REST = charClass(`_${ALNUM}/.\\$~+:[],=-`);
/** Expression symbols: no `-`, `+`, `:` or `/` at the start (ld's SYMBOLCHARN). */
const SYMBOL_FIRST = charClass('_a-zA-Z.\\$');
const SYMBOL_REST = charClass(`_${ALNUM}/.\\$~`);
/** Input-section patterns (ld's WILDCHAR). */
const WILD = charClass(`_${ALNUM}/.\\$~+:[],=?*^!-`);
const HEX = charClass('0-9a-fA-F');
const DIGIT = charClass('0-9');

const in_ = (set: Uint8Array, c: number) => c < 128 && set[c] === 1;

/** Operators (the lexer takes the longest that matches). */
const OPERATORS = new Set([
  '<<=', '>>=',
  '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=', '&=', '|=',
  '+', '-', '*', '/', '%', '<', '>', '&', '|', '!', '~', '?', ':', '(', ')', ',', ';', '{', '}', '=',
]);
/** In wild mode a run of pattern characters equal to one of these is the operator, as in ld. */
const WILD_OPERATORS = new Set(['=', '+=', '-=', '*=', '/=']);

/** Parses digits of `text` in `base` as ld's bfd_scan_vma does: stops at the first invalid digit,
 *  base 0 picks 16 for `0x`, 8 for a leading `0`, else 10; wraps at 64 bits. */
export function scanVma(text: string, base: number): bigint {
  let i = 0;
  if (base === 0) {
    if (text[0] === '0' && (text[1] === 'x' || text[1] === 'X')) { base = 16; i = 2; }
    else if (text[0] === '0') base = 8;
    else base = 10;
  } else if (base === 16 && text[0] === '0' && (text[1] === 'x' || text[1] === 'X')) i = 2;
  let value = 0n;
  const b = BigInt(base);
  for (; i < text.length; i++) {
    const d = parseInt(text[i], 36);
    if (!(d < base)) break;
    value = (value * b + BigInt(d)) & WORD;
  }
  return value;
}

export class ScriptLexer {
  readonly text: string;
  readonly file: string;
  private readonly lineStarts: number[];
  private position = 0;
  /** The parser peeks the same token several times; the last answer is kept. */
  private lastPeek: { position: number; mode: LexMode; token: Token } | undefined;

  constructor(text: string, file: string) {
    this.text = text;
    this.file = file;
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  /** The 1-based line and column of a character offset. */
  locate(offset: number): SourceLocation {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, column: offset - this.lineStarts[lo] + 1 };
  }

  get offset(): number { return this.position; }
  set offset(value: number) { this.position = value; }

  /** True when only blanks and comments remain. */
  atEnd(): boolean {
    return this.skipTrivia(this.position) >= this.text.length;
  }

  peek(mode: LexMode): Token {
    const cached = this.lastPeek;
    if (cached && cached.position === this.position && cached.mode === mode) return cached.token;
    const token = this.lexAt(this.skipTrivia(this.position), mode);
    this.lastPeek = { position: this.position, mode, token };
    return token;
  }

  next(mode: LexMode): Token {
    const token = this.peek(mode);
    this.position = token.end;
    return token;
  }

  /** Reads raw text up to (not including) `stop`, for MEMORY attributes; skips leading blanks. */
  rawUntil(stop: string): Token {
    const start = this.skipTrivia(this.position);
    const end = this.text.indexOf(stop, start);
    if (end < 0) throw new LinkerScriptError(this.locate(start), 'syntax error', `expected '${stop}'`);
    this.position = end;
    return { type: 'name', text: this.text.slice(start, end).trim(), value: 0n, start, end };
  }

  private skipTrivia(pos: number): number {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11) { pos++; continue; }
      if (c === 47 && t.charCodeAt(pos + 1) === 42) {
        const close = t.indexOf('*/', pos + 2);
        if (close < 0) throw new LinkerScriptError(this.locate(pos), 'syntax error', 'unterminated comment');
        pos = close + 2;
        continue;
      }
      return pos;
    }
  }

  private lexAt(pos: number, mode: LexMode): Token {
    const t = this.text;
    if (pos >= t.length) return { type: 'eof', text: '', value: 0n, start: pos, end: pos };
    const c = t.charCodeAt(pos);
    if (c === 34) {
      const close = t.indexOf('"', pos + 1);
      if (close < 0) throw new LinkerScriptError(this.locate(pos), 'syntax error', 'unterminated string');
      return { type: 'string', text: t.slice(pos + 1, close), value: 0n, start: pos, end: close + 1 };
    }
    if (mode === 'wild') return this.lexWild(pos);
    if (mode === 'expression') {
      if (t.startsWith('/DISCARD/', pos)) return this.name(pos, pos + 9);
      const number = this.lexNumber(pos, true);
      const nameEnd = in_(SYMBOL_FIRST, c) ? this.run(pos + 1, SYMBOL_REST) : pos;
      if (number && number.end >= nameEnd) return number;
      if (nameEnd > pos) return this.name(pos, nameEnd);
    } else {
      const number = this.lexNumber(pos, false);
      if (number) return number;
      if (in_(SCRIPT_FIRST, c)) return this.name(pos, this.run(pos + 1, SCRIPT_REST));
    }
    return this.operator(pos);
  }

  private lexWild(pos: number): Token {
    const end = this.run(pos, WILD);
    if (end > pos) {
      const text = this.text.slice(pos, end);
      if (WILD_OPERATORS.has(text)) return { type: 'op', text, value: 0n, start: pos, end };
      return this.name(pos, end);
    }
    return this.operator(pos);
  }

  private run(pos: number, set: Uint8Array): number {
    while (pos < this.text.length && in_(set, this.text.charCodeAt(pos))) pos++;
    return pos;
  }

  private name(start: number, end: number): Token {
    return { type: 'name', text: this.text.slice(start, end), value: 0n, start, end };
  }

  private operator(pos: number): Token {
    for (let length = 3; length > 0; length--) {
      const op = this.text.slice(pos, pos + length);
      if (op.length === length && OPERATORS.has(op)) return { type: 'op', text: op, value: 0n, start: pos, end: pos + length };
    }
    const ch = this.text[pos];
    throw new LinkerScriptError(this.locate(pos), 'syntax error', `invalid character '${ch}' in script`);
  }

  /** The longest of ld's number forms at `pos`: `$hex`, hex digits with a base suffix
   *  (H/X hex, O octal, B binary, D decimal; expressions only), and `0x`hex / decimal / `0`octal
   *  with an optional K or M multiplier. Undefined when none matches. */
  private lexNumber(pos: number, expression: boolean): Token | undefined {
    const t = this.text;
    let best: Token | undefined;
    const offer = (end: number, value: bigint) => {
      if (end > pos && (!best || end > best.end)) best = { type: 'number', text: t.slice(pos, end), value, start: pos, end };
    };
    if (expression) {
      if (t[pos] === '$') {
        const end = this.run(pos + 1, HEX);
        if (end > pos + 1) offer(end, scanVma(t.slice(pos + 1, end), 16));
      }
      // hex digits then a suffix letter; the suffix may itself be a hex digit (B, D)
      const hexEnd = this.run(pos, HEX);
      for (let end = hexEnd; end > pos; end--) {
        const suffix = t[end] ?? '';
        const base = 'hHxX'.includes(suffix) ? 16 : 'oO'.includes(suffix) ? 8 : 'bB'.includes(suffix) ? 2 : 'dD'.includes(suffix) ? 10 : 0;
        if (suffix && base) { offer(end + 1, scanVma(t.slice(pos, end), base)); break; }
      }
    }
    let end = pos;
    let base = 0;
    if (t[pos] === '$' && in_(HEX, t.charCodeAt(pos + 1))) { end = this.run(pos + 1, HEX); base = 16; }
    else if (t[pos] === '0' && (t[pos + 1] === 'x' || t[pos + 1] === 'X') && in_(HEX, t.charCodeAt(pos + 2))) end = this.run(pos + 2, HEX);
    else if (in_(DIGIT, t.charCodeAt(pos))) end = this.run(pos, DIGIT);
    if (end > pos) {
      let value = scanVma(t.slice(base === 16 ? pos + 1 : pos, end), base);
      const m = t[end];
      if (m === 'K' || m === 'k') { value = (value * 1024n) & WORD; end++; }
      else if (m === 'M' || m === 'm') { value = (value * 1048576n) & WORD; end++; }
      if (!best || end >= best.end) best = { type: 'number', text: t.slice(pos, end), value, start: pos, end };
    }
    return best;
  }
}
