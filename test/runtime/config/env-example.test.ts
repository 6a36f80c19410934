import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_VARS } from '../../../lib/config/service-contract';

describe('.env.example', () => {
  const text = readFileSync(join(__dirname, '..', '..', '..', '.env.example'), 'utf8');
  const entries = text
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);

  it('lists every contract variable once, in contract order, with its default', () => {
    expect(entries).toEqual(ENV_VARS.map((v) => [v.name, 'default' in v ? v.default : '']));
  });

  it('holds no secret values', () => {
    for (const spec of ENV_VARS.filter((v) => v.secret)) {
      expect(entries.find(([name]) => name === spec.name)?.[1]).toBe('');
    }
  });
});
