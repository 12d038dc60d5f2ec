// Link state for user files (embedded and referenced files mixed, "use as" names, the edited
// script's file) through the real codec, and the non-ELF descriptions on real file heads.
import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { describeNonElf } from '../../src/ui/share/identify-file.ts';
import { decodeState, encodeState } from '../../src/ui/url/codec.ts';
import { UrlStateError, defaultState, validateState, type PlaygroundState } from '../../src/ui/url/state.ts';
import { load, tiny } from '../helpers.ts';

describe('user-file links', () => {
  it('round-trip a mix of embedded and referenced files with their "use as" names and the edited script', () => {
    const small = load(tiny('inputs', 'version-timestamp.o'));
    const state: PlaygroundState = {
      ...defaultState(''),
      input: { kind: 'files', files: [
        { name: 'linked.elf', size: 19022312, sha256: 'ab'.repeat(32), as: 'vmlinux.unstripped' },
        { name: 'version-timestamp.o', bytes: small },
      ] },
      script: 'SECTIONS { }',
      scriptFile: 'vmlinux.lds',
      step: 2,
      view: { artifact: 'vmlinux', pane: 'symbols', filter: 'start_', row: '12' },
    };
    const back = decodeState(encodeState(state));
    expect(back).toEqual(state);
    const embedded = back.input.kind === 'files' ? back.input.files[1] : undefined;
    expect(embedded && 'bytes' in embedded && Buffer.compare(embedded.bytes, small)).toBe(0);
  });

  it('refuses ill-typed file entries and names the field', () => {
    const base = { ...defaultState('x'), options: {} };
    const bad = (files: unknown[]) => () => validateState({ ...base, input: { kind: 'files', files } });
    expect(bad([{ name: 'a', size: 1, sha256: 'ab'.repeat(32), as: 7 }])).toThrow(new UrlStateError('input.files[0].as is not a string'));
    expect(bad([{ name: 'a', size: -1, sha256: 'ab'.repeat(32) }])).toThrow(/input\.files\[0\]\.size must be an integer/);
    expect(bad([{ name: 'a' }])).toThrow(/input\.files\[0\] has no bytes/);
    expect(() => validateState({ ...base, scriptFile: 3 })).toThrow(/scriptFile is not a string/);
  });
});

describe('describeNonElf', () => {
  it('names what the first bytes are, and stays quiet for ELF magic', () => {
    expect(describeNonElf(load(tiny('inputs', 'vmlinux.export.o')))).toBe('');
    expect(describeNonElf(new Uint8Array(gzipSync(Buffer.from('x'))))).toMatch(/^it starts with 1f 8b 08 .*: gzip-compressed$/);
    const lib = join(mkdtempSync(join(tmpdir(), 'ldplay-ar-')), 'libx.a');
    execSync(`ar rc ${lib} ${tiny('inputs', 'version-timestamp.o')}`);
    expect(describeNonElf(load(lib))).toMatch(/^it starts with 21 3c 61 72 63 68 3e 0a, .*: an ar archive \(a static library\)/);
    expect(describeNonElf(new Uint8Array(0))).toBe('it starts with nothing (empty file), not ELF\'s 7f 45 4c 46 ("\\x7fELF")');
  });

  const deb = '/var/cache/ldplay/linux-image-6.1.0-53-amd64_6.1.187-1_amd64.deb';
  it.runIf(existsSync(deb))("reads Debian's vmlinuz as an x86 bzImage with its boot protocol version", () => {
    const head = execSync(`dpkg-deb --fsys-tarfile ${deb} | tar -x -O ./boot/vmlinuz-6.1.0-53-amd64 | head -c 1024`, { maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
    expect(head.length).toBe(1024);
    const version = `${head[0x207]}.${String(head[0x206]).padStart(2, '0')}`;
    expect(describeNonElf(new Uint8Array(head))).toContain(`an x86 bzImage (boot protocol ${version})`);
  });
});
