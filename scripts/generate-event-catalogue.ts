/**
 * Writes the event catalogue, docs/events.md and docs/events.schema.json, generated from the io-ts
 * codecs of src/domain (see scripts/event-catalogue/catalogue.ts).
 *
 *   npm run docs:events               # (re)writes both files
 *   npm run docs:events -- --check    # writes nothing; exits 1 if either file differs from the generated one
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as prettier from 'prettier';
import { REGENERATE_COMMAND, renderCatalogue } from './event-catalogue/catalogue';

const ROOT = path.resolve(__dirname, '..');
const MARKDOWN_FILE = 'docs/events.md';
const SCHEMA_FILE = 'docs/events.schema.json';

/** The JSON as the repository's Prettier config formats it, so `prettier --check` passes. */
const formatJson = async (value: object, file: string): Promise<string> => {
  const absolute = path.join(ROOT, file);
  const options = (await prettier.resolveConfig(absolute)) ?? {};
  return prettier.format(JSON.stringify(value, null, 2), { ...options, filepath: absolute });
};

const readIfExists = async (file: string): Promise<string | undefined> => {
  try {
    return await readFile(path.join(ROOT, file), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  const { markdown, schema } = renderCatalogue();
  const outputs: [string, string][] = [
    [MARKDOWN_FILE, markdown],
    [SCHEMA_FILE, await formatJson(schema, SCHEMA_FILE)],
  ];

  if (values.check) {
    const stale: string[] = [];
    for (const [file, content] of outputs) {
      if ((await readIfExists(file)) !== content) stale.push(file);
    }
    if (stale.length > 0) {
      process.stderr.write(
        `Event catalogue out of date (${stale.join(', ')}): it no longer matches the codecs in src/domain. Run \`${REGENERATE_COMMAND}\`.\n`,
      );
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`Event catalogue up to date (${outputs.map(([file]) => file).join(', ')}).\n`);
    return;
  }

  for (const [file, content] of outputs) {
    await mkdir(path.dirname(path.join(ROOT, file)), { recursive: true });
    await writeFile(path.join(ROOT, file), content);
    process.stdout.write(`wrote ${file}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
