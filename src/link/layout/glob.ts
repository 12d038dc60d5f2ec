// Linker-script wildcard patterns (`*`, `?`, `[chars]`, `[!chars]`) as ld's fnmatch use matches
// section and file names. Compiles each pattern once; holds no state beyond the caller's cache.

export type NameMatcher = (name: string) => boolean;

/** Compiles `pattern`; plain names compare by equality (the common, fast case). */
export function compileGlob(pattern: string): NameMatcher {
  if (!/[*?[]/.test(pattern)) return (name) => name === pattern;
  if (pattern === '*') return () => true;
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) { re += '\\['; continue; }
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('!')) body = '^' + body.slice(1);
      re += '[' + body.replace(/\\/g, '\\\\') + ']';
      i = end;
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  const compiled = new RegExp(re + '$', 's');
  return (name) => compiled.test(name);
}

/** A cache of compiled patterns for one link. */
export class GlobCache {
  private readonly cache = new Map<string, NameMatcher>();
  get(pattern: string): NameMatcher {
    let m = this.cache.get(pattern);
    if (!m) { m = compileGlob(pattern); this.cache.set(pattern, m); }
    return m;
  }
}
