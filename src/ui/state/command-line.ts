// Splits a link command typed in the playground into argv the way a POSIX shell splits words
// (blanks separate; '…' keeps everything; "…" keeps everything but \" and \\; a backslash outside
// quotes escapes the next character), so `-T "my script.ld" a.o` means what it means in a terminal.
// A leading `ld`/`ld.bfd`/`ldplay link` is dropped. No variables, globs or redirections.

export class CommandLineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandLineError';
  }
}

export function splitCommandLine(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new CommandLineError(`unterminated ' quote at column ${i + 1}`);
      word += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && (text[j + 1] === '"' || text[j + 1] === '\\')) j++;
        word += text[j];
      }
      if (j >= text.length) throw new CommandLineError(`unterminated " quote at column ${i + 1}`);
      inWord = true;
      i = j;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  if (words[0] === 'ldplay' && words[1] === 'link') return words.slice(2);
  return /^(ld|ld\.bfd|ld\.lld)$/.test(words[0] ?? '') ? words.slice(1) : words;
}

/** argv back to one line that splitCommandLine reads as the same words (quoted only where needed). */
export function joinCommandLine(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
