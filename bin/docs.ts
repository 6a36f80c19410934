/**
 * `npm run docs`: rewrites the generated blocks of docs/observability.md
 * (configuration, metrics, alerts) from the code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderGeneratedSections } from '../lib/docs/reference-tables';

const guide = resolve(__dirname, '../docs/observability.md');
const before = readFileSync(guide, 'utf8');
const after = renderGeneratedSections(before);
writeFileSync(guide, after);
console.log(after === before ? `${guide}: up to date` : `${guide}: generated blocks updated`);
