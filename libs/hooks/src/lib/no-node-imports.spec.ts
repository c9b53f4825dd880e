import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

// The library must stay embeddable anywhere, browsers included: no Node built-ins, only tslib.
const DIR = __dirname;
const files = readdirSync(DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));

describe('purity', () => {
  it('scans the library sources', () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
  });

  it.each(files)('%s imports only relative modules', (file) => {
    const text = readFileSync(join(DIR, file), 'utf8');
    const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]);
    for (const spec of specs) {
      expect(spec.startsWith('node:') || builtinModules.includes(spec)).toBe(false);
      expect(spec.startsWith('.')).toBe(true);
    }
    expect(text).not.toMatch(/\bprocess\.|\bBuffer\b|__dirname|require\(/);
  });
});
