// Names this test run, so the browser test files share one production build of the site
// (static-site.ts sharedSite) and never reuse one left by an earlier run. A lock left by a run
// that was killed mid-build is cleared here, before any test file starts.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export default function setup(project: TestProject): void {
  rmSync(join(project.config.root, 'test-results', 'site.lock'), { recursive: true, force: true });
  project.provide('testRun', `${process.pid}-${Date.now()}`);
}

declare module 'vitest' {
  export interface ProvidedContext {
    testRun: string;
  }
}
