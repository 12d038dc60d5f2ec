// `npm run bench`: runs every bench/*.bench.mjs row in name order and prints their lines.
// Ratios are ldplay's median wall time over the native tool's, measured in this same run.
import { readdirSync } from 'node:fs';

const dir = new URL('.', import.meta.url).pathname;
const only = process.argv.slice(2);
console.log(`ldplay bench — ${new Date().toISOString()} — node ${process.version}`);
for (const file of readdirSync(dir).filter((f) => f.endsWith('.bench.mjs')).sort()) {
  if (only.length && !only.some((o) => file.includes(o))) continue;
  await import(new URL(file, import.meta.url).href);
}
