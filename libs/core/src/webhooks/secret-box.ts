import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const PREFIX = 'v1';

/** Encrypts short secrets at rest (AES-256-GCM, key derived with HKDF-SHA256). */
export interface SecretBox {
  /** `v1.<iv>.<tag>.<ciphertext>` (base64url); `context` is bound as associated data. */
  seal(plaintext: string, context: string): string;
  /** The plaintext; throws when the value was tampered with or sealed under another context or key. */
  open(sealed: string, context: string): string;
}

/**
 * A box keyed by `encryptionKey` (the config's `SNACKBASE_ENCRYPTION_KEY`) for one purpose:
 * different `purpose` strings derive unrelated keys, so one use can never decrypt another's data.
 * Bind each value to its row (`context`, e.g. the webhook id) so ciphertexts cannot be swapped.
 * @example
 * const box = createSecretBox(secrets.encryptionKey, 'webhook-secret');
 * const stored = box.seal(secret, webhookId); box.open(stored, webhookId) === secret;
 */
export function createSecretBox(encryptionKey: string, purpose: string): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(encryptionKey, 'utf8'), Buffer.alloc(0), `snackbase/${purpose}/v1`, 32));
  return {
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [PREFIX, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
    },
    open(sealed, context) {
      const [prefix, iv, tag, data] = sealed.split('.');
      if (prefix !== PREFIX || !iv || !tag || data === undefined) throw new Error('Not a sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
