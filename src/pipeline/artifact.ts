// Artifacts of the build graph: named bytes with their SHA-256, the rule that made them and whether
// they are stale (kept from before a failed rerun). Hashing uses WebCrypto (`crypto.subtle`), which
// Node 20 and browsers share. No graph logic here; graph.ts and postlink.ts own the artifacts.

export interface Artifact {
  name: string;
  bytes: Uint8Array;
  /** Lowercase hex SHA-256 of `bytes`. */
  hash: string;
  /** The rule that wrote it, or 'import' for a file the user supplied. */
  producedBy: string;
  /** True when the rule that made it failed on its latest run: the bytes are from an earlier run. */
  stale: boolean;
}

/** A serialisable view of an artifact for the UI: everything but the bytes. */
export interface ArtifactState {
  name: string;
  size: number;
  hash: string;
  producedBy: string;
  stale: boolean;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  const view = new Uint8Array(digest);
  let hex = '';
  for (const b of view) hex += b.toString(16).padStart(2, '0');
  return hex;
}

export function artifactState(a: Artifact): ArtifactState {
  return { name: a.name, size: a.bytes.length, hash: a.hash, producedBy: a.producedBy, stale: a.stale };
}
