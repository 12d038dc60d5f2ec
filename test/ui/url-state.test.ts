// URL state: round trips, size of typical sample states, and hostile links that must fail cleanly.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { decodeState, encodeState, toBase64Url, MAX_INFLATED_BYTES } from '../../src/ui/url/codec.ts';
import { CURRENT_VERSION, UrlStateError, defaultState, type PlaygroundState } from '../../src/ui/url/state.ts';
import { load, tiny } from '../helpers.ts';

const sampleState: PlaygroundState = {
  ...defaultState('mini-kernel'),
  script: 'SECTIONS { . = 0xffffffff81000000; .text : { *(.text) } }',
  options: { '--emit-relocs': true, '-z': 'max-page-size=0x200000' },
  step: 3,
  view: { artifact: 'vmlinux.unstripped', pane: 'relocations', filter: 'R_X86_64_32S', sort: { column: 'offset', descending: false }, row: '.rela.text:17' },
};

describe('URL state codec', () => {
  it('round-trips a sample state in well under 2 KB', () => {
    const url = encodeState(sampleState);
    expect(url.length).toBeLessThan(2048);
    expect(decodeState(`#${url}`)).toEqual(sampleState);
  });

  it('round-trips embedded user files byte for byte', () => {
    const bytes = load(tiny('inputs/version-timestamp.o'));
    const state: PlaygroundState = { ...sampleState, input: { kind: 'files', files: [{ name: 'version-timestamp.o', bytes }] } };
    const back = decodeState(encodeState(state));
    expect(back.input.kind).toBe('files');
    const file = back.input.kind === 'files' ? back.input.files[0] : undefined;
    expect(file && 'bytes' in file && Buffer.compare(file.bytes, bytes)).toBe(0);
  });

  it('round-trips any valid state (property)', () => {
    const arbState = fc.record({
      id: fc.string({ maxLength: 40 }),
      script: fc.option(fc.string({ maxLength: 500 }), { nil: undefined }),
      step: fc.integer({ min: 0, max: 1000 }),
      mode: fc.constantFrom('declarative' as const, 'postlink' as const),
      filter: fc.option(fc.string({ maxLength: 100 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(arbState, (a) => {
        const s: PlaygroundState = { ...defaultState(a.id), step: a.step, mode: a.mode, script: a.script, view: { artifact: 'vmlinux', pane: 'symbols', filter: a.filter } };
        const back = decodeState(encodeState(s));
        expect(back).toEqual(JSON.parse(JSON.stringify(s)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('hostile links', () => {
  const expectUrlError = (fragment: string, pattern: RegExp) => {
    expect(() => decodeState(fragment)).toThrow(UrlStateError);
    expect(() => decodeState(fragment)).toThrow(pattern);
  };

  it('say what is wrong', () => {
    expectUrlError('#x=1', /no "s=" state parameter/);
    expectUrlError('#s=1.@@@', /not "<version>.<base64url>"/);
    expectUrlError(`#s=${CURRENT_VERSION + 1}.AAAA`, /newer ldplay/);
    expectUrlError('#s=0.AAAA', /does not exist/);
    expectUrlError('#s=1.A', /impossible length/);
    const good = encodeState(sampleState);
    expectUrlError(`#${good.slice(0, good.length - 10)}`, /truncated|corrupt/);
    expectUrlError(`#s=1.${'A'.repeat(5 << 20)}`, /characters long/);
  });

  it('rejects a decompression bomb before inflating it all', () => {
    const bomb = deflateSync(new Uint8Array(MAX_INFLATED_BYTES * 4), { level: 9 });
    expectUrlError(`#s=1.${toBase64Url(bomb)}`, /inflates past/);
  });

  it('rejects states with bad fields by name', () => {
    const wrap = (v: unknown) => {
      const json = new TextEncoder().encode(JSON.stringify(v));
      const c = new Uint8Array(4 + json.length);
      new DataView(c.buffer).setUint32(0, json.length, true);
      c.set(json, 4);
      return `#s=1.${toBase64Url(deflateSync(c))}`;
    };
    expectUrlError(wrap({ ...sampleState, step: -1 }), /step must be an integer/);
    expectUrlError(wrap({ ...sampleState, mode: 'chaos' }), /mode must be/);
    expectUrlError(wrap({ ...sampleState, input: { kind: 'external', files: [{ name: 'v', size: 1, sha256: 'zz' }] } }), /sha256/);
    expectUrlError(wrap({ ...sampleState, version: 7 }), /version inside/);
    expectUrlError(wrap([1, 2]), /not an object/);
  });

  it('fails every random or mutated link with UrlStateError only (fuzz)', () => {
    const good = encodeState(sampleState);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }).map((s) => `#s=1.${s}`),
          fc.uint8Array({ maxLength: 400 }).map((b) => `#s=1.${toBase64Url(b)}`),
          fc.uint8Array({ maxLength: 400 }).map((b) => `#s=1.${toBase64Url(deflateSync(b))}`),
          fc.nat(good.length).map((n) => `#${good.slice(0, n)}`),
          fc.tuple(fc.nat(good.length - 1), fc.constantFrom(...'AZaz09-_')).map(([i, c]) => `#${good.slice(0, i)}${c}${good.slice(i + 1)}`),
        ),
        (fragment) => {
          try {
            decodeState(fragment);
          } catch (e) {
            if (!(e instanceof UrlStateError)) throw e;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
