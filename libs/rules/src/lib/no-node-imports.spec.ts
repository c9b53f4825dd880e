import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

// The library must stay embeddable in a browser: no Node built-ins, no drivers, only kysely/tslib.
const ROOT = join(__dirname, '..');
const ALLOWED = new Set(['kysely', 'tslib']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'test' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

function importsOf(text: string): string[] {
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]);
  return specs.filter((s) => !s.startsWith('.'));
}

describe('purity', () => {
  const files = sourceFiles(ROOT);

  it('scans the library sources', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((f) => [relative(ROOT, f), f]))('%s imports only kysely/tslib', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    for (const spec of importsOf(text)) {
      expect(spec.startsWith('node:') || builtinModules.includes(spec)).toBe(false);
      expect(ALLOWED.has(spec)).toBe(true);
    }
    expect(text).not.toMatch(/\bprocess\.|\bBuffer\b|__dirname|require\(/);
  });
});
