// Playground state <-> URL fragment: `#s=<version>.<base64url(deflate(container))>`.
// The container is a little-endian u32 JSON length, the JSON, then embedded file bytes, so small
// user files travel without base64 inflation inside the JSON. Compression is fflate's raw deflate.
// Decoding is hostile-input safe: every length is capped before work, and any problem becomes a
// UrlStateError; older versions pass through the migration chain before validation.

import { Inflate, deflateSync } from 'fflate';
import { CURRENT_VERSION, UrlStateError, validateState, type PlaygroundState } from './state.ts';

/** Caps for hostile links: the fragment's length and what it may inflate to. */
export const MAX_FRAGMENT_CHARS = 4 << 20;
export const MAX_INFLATED_BYTES = 16 << 20;

/** Upgrades a decoded state of version N (the key) to version N+1. Add one per format change. */
export const migrations: Map<number, (old: Record<string, unknown>) => Record<string, unknown>> = new Map();

export function encodeState(state: PlaygroundState): string {
  const blobs: Uint8Array[] = [];
  let blobOffset = 0;
  const json = JSON.stringify(state, (_key, value) => {
    if (value instanceof Uint8Array) {
      const ref = { $bytes: [blobOffset, value.length] };
      blobs.push(value);
      blobOffset += value.length;
      return ref;
    }
    return value;
  });
  const jsonBytes = new TextEncoder().encode(json);
  const container = new Uint8Array(4 + jsonBytes.length + blobOffset);
  new DataView(container.buffer).setUint32(0, jsonBytes.length, true);
  container.set(jsonBytes, 4);
  let at = 4 + jsonBytes.length;
  for (const b of blobs) {
    container.set(b, at);
    at += b.length;
  }
  return `s=${state.version}.${toBase64Url(deflateSync(container, { level: 9 }))}`;
}

/** Decodes a fragment (with or without the leading '#'); throws UrlStateError on any problem. */
export function decodeState(fragment: string): PlaygroundState {
  if (fragment.length > MAX_FRAGMENT_CHARS) throw new UrlStateError(`the link is ${fragment.length} characters long, more than the ${MAX_FRAGMENT_CHARS} allowed`);
  const body = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  const param = new URLSearchParams(body).get('s');
  if (param === null) throw new UrlStateError('it has no "s=" state parameter');
  const m = /^(\d{1,6})\.([A-Za-z0-9_-]*)$/.exec(param);
  if (!m) throw new UrlStateError('the state is not "<version>.<base64url>"');
  const version = Number(m[1]);
  if (version > CURRENT_VERSION) throw new UrlStateError(`it was made by a newer ldplay (state version ${version}; this page reads up to ${CURRENT_VERSION})`);
  if (version < 1) throw new UrlStateError(`state version ${version} does not exist`);
  const container = inflateCapped(fromBase64Url(m[2]));
  if (container.length < 4) throw new UrlStateError('the state is truncated (no JSON length)');
  const jsonLength = new DataView(container.buffer, container.byteOffset).getUint32(0, true);
  if (jsonLength > container.length - 4) throw new UrlStateError(`the state is truncated (JSON of ${jsonLength} bytes in ${container.length - 4})`);
  const blobs = container.subarray(4 + jsonLength);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(container.subarray(4, 4 + jsonLength)), (_key, value) => {
      if (value && typeof value === 'object' && Array.isArray(value.$bytes)) {
        const [offset, length] = value.$bytes;
        if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > blobs.length) {
          throw new UrlStateError('an embedded file points outside the state');
        }
        return blobs.slice(offset, offset + length);
      }
      return value;
    });
  } catch (e) {
    if (e instanceof UrlStateError) throw e;
    throw new UrlStateError(`its JSON is malformed (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UrlStateError('state is not an object');
  let upgraded = raw as Record<string, unknown>;
  if (upgraded.version !== version) throw new UrlStateError(`the version inside (${String(upgraded.version)}) differs from the link's (${version})`);
  for (let v = version; v < CURRENT_VERSION; v++) {
    const migrate = migrations.get(v);
    if (!migrate) throw new UrlStateError(`no migration from state version ${v}`);
    upgraded = { ...migrate(upgraded), version: v + 1 };
  }
  return validateState(upgraded);
}

function inflateCapped(data: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let done = false;
  const inflater = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > MAX_INFLATED_BYTES) throw new UrlStateError(`the state inflates past ${MAX_INFLATED_BYTES} bytes`);
    chunks.push(chunk);
    if (final) done = true;
  });
  try {
    // Push in slices so the size cap trips early on a decompression bomb.
    for (let at = 0; at < data.length; at += 65536) inflater.push(data.subarray(at, at + 65536), at + 65536 >= data.length);
    if (data.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (e) {
    if (e instanceof UrlStateError) throw e;
    throw new UrlStateError(`its compressed data is corrupt (${(e as Error).message})`);
  }
  if (!done) throw new UrlStateError('its compressed data is truncated');
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

// base64url via the platform's btoa/atob (browsers and Node 20 both have them).
export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 8192) binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  if (text.length % 4 === 1) throw new UrlStateError('its base64url data has an impossible length');
  let binary: string;
  try {
    binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    throw new UrlStateError('its base64url data is malformed');
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
