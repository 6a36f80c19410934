/**
 * `npm run synth` (and `npx cdk8s synth`): renders everything into dist/.
 */
import { resolve } from 'node:path';
import { synthesize } from '../lib/synth';

const outdir = resolve(process.env.GORAX_SYNTH_OUTDIR ?? 'dist');
for (const file of synthesize(outdir)) {
  console.log(`wrote ${file}`);
}
