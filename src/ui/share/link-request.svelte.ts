// A link that references the user's own large files: the page asks for them again, and each file
// dropped or picked is checked against the link's name, size and SHA-256 before anything opens.
import type { PlaygroundState, ReferencedFile } from '../url/state.ts';
import type { FileHasher } from './link-state.ts';
import { checkReference, missingFiles } from './restore.ts';

export class LinkRequest {
  readonly state: PlaygroundState;
  /** Verified files by the name the link gives them. */
  readonly provided = new Map<string, File>();
  missing = $state.raw<ReferencedFile[]>([]);
  error = $state('');
  checking = $state(false);

  constructor(state: PlaygroundState) {
    this.state = state;
    this.missing = missingFiles(state, this.provided);
  }

  /** Checks offered files; returns true once every referenced file is provided. */
  async offer(files: File[], hasher: FileHasher): Promise<boolean> {
    this.checking = true;
    const problems: string[] = [];
    try {
      for (const file of files) {
        const ref = this.missing.find((r) => r.name === file.name) ?? this.missing.find((r) => r.size === file.size) ?? (this.missing.length === 1 ? this.missing[0] : undefined);
        if (!ref) { problems.push(`${file.name} is not one of the files this link needs`); continue; }
        const why = await checkReference(ref, file, hasher);
        if (why) { problems.push(why); continue; }
        // Opened under the link's name (a File of a File shares its bytes).
        this.provided.set(ref.name, file.name === ref.name ? file : new File([file], ref.name));
        this.missing = missingFiles(this.state, this.provided);
      }
    } finally {
      this.checking = false;
    }
    this.error = problems.join('\n');
    return this.missing.length === 0;
  }
}
