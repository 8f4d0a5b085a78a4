#!/usr/bin/env node
// Regenerates docs/language.md from schemas/registry.schema.json (run `npm run build` first).
// test/config/docs.test.ts fails when the committed file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { generateLanguageDoc } from '../dist/src/config/docgen.js';

const schema = JSON.parse(readFileSync(new URL('../schemas/registry.schema.json', import.meta.url), 'utf8'));
writeFileSync(new URL('../docs/language.md', import.meta.url), generateLanguageDoc(schema));
process.stdout.write('docs/language.md regenerated\n');
