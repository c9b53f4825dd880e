import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config, Secrets } from './config';
import { ConfigError } from './setting';

/** Secrets shorter than this are refused: 32 bytes is the HS256 key size. */
export const MIN_SECRET_BYTES = 32;

/** Values shipped in examples and docs, including the reference's default. */
const PLACEHOLDERS = new Set([
  'change-me-in-production-use-openssl-rand-hex-32',
  'changeme',
  'change-me',
  'secret',
  'your-secret-key',
  'replace-me',
]);

const NAMES: Record<keyof Secrets, string> = {
  secretKey: 'SNACKBASE_SECRET_KEY',
  tokenSecret: 'SNACKBASE_TOKEN_SECRET',
  encryptionKey: 'SNACKBASE_ENCRYPTION_KEY',
};

function isPlaceholder(value: string): boolean {
  const v = value.trim().toLowerCase();
  return PLACEHOLDERS.has(v) || v.startsWith('change-me') || v.startsWith('changeme');
}

/** The secrets in effect plus what the operator should be told about them. */
export interface ResolvedSecrets {
  readonly secrets: Secrets;
  readonly warnings: readonly string[];
}

function loadOrCreateDevSecrets(dataDir: string): Secrets {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Secrets>;
    if (stored.secretKey && stored.tokenSecret && stored.encryptionKey) return stored as Secrets;
  }
  const fresh: Secrets = {
    secretKey: randomBytes(32).toString('hex'),
    tokenSecret: randomBytes(32).toString('hex'),
    encryptionKey: randomBytes(32).toString('hex'),
  };
  mkdirSync(dataDir, { recursive: true });
  // `wx` so two instances starting together never overwrite each other's file.
  try {
    writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateDevSecrets(dataDir);
    throw e;
  }
  chmodSync(file, 0o600);
  return fresh;
}

/**
 * The secrets to run with. Production refuses a missing, placeholder or short secret.
 * Elsewhere an unset or placeholder secret is generated once into `<dataDir>/secrets.json`
 * (mode 0600), so restarts and a second local instance accept the same tokens.
 */
export function resolveSecrets(config: Config): ResolvedSecrets {
  const warnings: string[] = [];
  const out: { -readonly [K in keyof Secrets]?: string } = {};
  let dev: Secrets | undefined;
  const generated: string[] = [];
  for (const key of Object.keys(NAMES) as (keyof Secrets)[]) {
    const name = NAMES[key];
    const value = config.secrets[key];
    const unusable = value === undefined || isPlaceholder(value);
    if (config.environment === 'production') {
      if (value === undefined) throw new ConfigError(`${name} is required in production (generate one with: openssl rand -hex 32)`);
      if (isPlaceholder(value)) throw new ConfigError(`${name} is a known placeholder; set a random value (openssl rand -hex 32)`);
    }
    if (!unusable && Buffer.byteLength(value, 'utf8') < MIN_SECRET_BYTES) {
      throw new ConfigError(`${name} is too short: at least ${MIN_SECRET_BYTES} bytes are required (openssl rand -hex 32)`);
    }
    if (unusable) {
      dev ??= loadOrCreateDevSecrets(config.dataDir);
      out[key] = dev[key];
      generated.push(name);
    } else {
      out[key] = value;
    }
  }
  if (generated.length) {
    warnings.push(`${generated.join(', ')} not set: using development secrets generated in ${join(config.dataDir, 'secrets.json')} (set them in production)`);
  }
  return { secrets: out as Secrets, warnings };
}
