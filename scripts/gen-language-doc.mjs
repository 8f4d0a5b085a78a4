#!/usr/bin/env node
// Regenerates the registry.yaml language from the core (src/config/language.ts) and every kind's
// `language` fragment (run `npm run build` first, or `npm run gen`):
//   schemas/registry.schema.json, docs/language.md and src/config/model.generated.ts.
// test/config/docs.test.ts and test/config/language.test.ts fail when a committed file is stale.
import { writeFileSync } from 'node:fs';
import { generateLanguageDoc } from '../dist/src/config/docgen.js';
import { generateConfigTypes } from '../dist/src/config/typegen.js';
import { allKinds } from '../dist/src/kinds/index.js';
import { CONFIG_TYPES, languageSchema, languageSections, schemaText } from '../dist/src/kinds/language.js';

const schema = languageSchema(allKinds);
writeFileSync(new URL('../schemas/registry.schema.json', import.meta.url), schemaText(schema));
writeFileSync(new URL('../docs/language.md', import.meta.url), generateLanguageDoc(schema, languageSections(allKinds)));
writeFileSync(new URL('../src/config/model.generated.ts', import.meta.url), generateConfigTypes(schema, CONFIG_TYPES));
process.stdout.write('schemas/registry.schema.json, docs/language.md and src/config/model.generated.ts regenerated\n');
