import { createAudit, openDatabase, type AuditHead, type VerifyResult } from '@snackbase/core';
import { boot } from './boot';

/** Options of `snackbase audit`. */
export interface AuditCommandOptions {
  /** `<id>:<checksum>` as printed by `snackbase audit head`. */
  readonly expectedHead?: string;
  readonly fromId?: string;
  readonly toId?: string;
}

/** `<id>:<checksum>` → an anchor; a clear error for anything else. */
export function parseAnchor(text: string): AuditHead {
  const m = /^([1-9][0-9]*):([0-9a-f]{64})$/.exec(text.trim());
  if (!m) throw new Error(`--expected-head must be <id>:<sha256 hex checksum>, as "snackbase audit head" prints it; got "${text}"`);
  return { id: Number(m[1]), checksum: m[2] as string };
}

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(value)) throw new Error(`${flag} must be a positive integer; got "${value}"`);
  return Number(value);
}

/** The lines `audit verify` prints. */
export function describeVerdict(r: VerifyResult): string {
  const head = r.head ? `head ${r.head.id}:${r.head.checksum}` : 'empty log';
  if (r.valid) return `audit chain valid: ${r.checked} entries checked (${head})`;
  return `audit chain BROKEN at entry ${r.first_broken_id}: ${r.reason}\n${r.checked} entries checked (${head})`;
}

/**
 * `snackbase audit verify [--expected-head <id>:<checksum>] [--from-id N] [--to-id N]` walks the
 * hash chain and exits 1 naming the first broken entry; `snackbase audit head` prints the anchor
 * to keep outside the database for later `--expected-head` checks.
 */
export async function auditCommand(action: string, options: AuditCommandOptions = {}): Promise<void> {
  if (action !== 'verify' && action !== 'head') throw new Error(`unknown audit action "${action}": use verify or head`);
  const verifyOptions = {
    expectedHead: options.expectedHead === undefined ? undefined : parseAnchor(options.expectedHead),
    fromId: positive(options.fromId, '--from-id'),
    toId: positive(options.toId, '--to-id'),
  };
  const b = boot();
  const db = openDatabase(b.config, b.logger);
  try {
    const audit = createAudit({ db, config: b.config, logger: b.logger });
    if (action === 'head') {
      const head = await audit.exportHead();
      console.log(head.id === null ? 'audit log is empty' : `${head.id}:${head.checksum}`);
      return;
    }
    const result = await audit.verify(verifyOptions);
    console.log(describeVerdict(result));
    if (!result.valid) process.exitCode = 1;
  } finally {
    await db.close();
  }
}
