import type { Kysely } from 'kysely';
import type { GlobalDatabase } from '@snackbase/db';
import { auditChecksum, entryFromRow, type AuditLogEntry } from './audit-entry';
import { readAuditHead } from './audit-writer';

/** An entry of the chain named by id and checksum, e.g. an anchor exported earlier. */
export interface AuditHead {
  readonly id: number;
  readonly checksum: string;
}

/** What to verify. Without bounds, the whole chain up to the head as it was when the walk began. */
export interface VerifyOptions {
  readonly fromId?: number;
  readonly toId?: number;
  /**
   * An anchor ({@link AuditHead}) exported earlier and kept outside the database: the entry with
   * that id must still exist with that checksum. It is the only way to see a truncated tail or a
   * chain rewritten from scratch, since both look internally consistent. The walk always
   * includes the anchor's id.
   */
  readonly expectedHead?: AuditHead;
}

/** The outcome: the first broken entry and why, or `valid`. */
export interface VerifyResult {
  readonly valid: boolean;
  /** Entries examined (the broken one included). */
  readonly checked: number;
  readonly first_broken_id?: number;
  readonly reason?: string;
  /** The chain's last entry when the walk began; null for an empty log. */
  readonly head: AuditHead | null;
}

const PAGE = 500;

type Verdict = { readonly id: number; readonly reason: string } | undefined;

/** The first problem of `entry` given the entry before it (`prev` undefined before id 1). */
function judge(entry: AuditLogEntry, expectedId: number, prev: AuditHead | undefined): Verdict {
  if (entry.id !== expectedId) {
    const missing = entry.id - 1 === expectedId ? `entry ${expectedId} is missing` : `entries ${expectedId}–${entry.id - 1} are missing`;
    return { id: entry.id, reason: `${missing} (ids jump from ${expectedId - 1} to ${entry.id})` };
  }
  if (entry.previous_hash !== (prev?.checksum ?? null)) {
    return { id: entry.id, reason: prev ? `previous_hash does not match the checksum of entry ${prev.id}` : 'the first entry must have no previous_hash' };
  }
  if (auditChecksum(entry) !== entry.checksum) return { id: entry.id, reason: 'checksum mismatch: the entry was altered after it was written' };
  return undefined;
}

/** The entry just before `fromId` (whose stored checksum the walk starts from), if any. */
async function predecessor(db: Kysely<GlobalDatabase>, fromId: number): Promise<AuditHead | undefined> {
  if (fromId <= 1) return undefined;
  const row = await db.selectFrom('audit_log').select(['id', 'checksum']).where('id', '=', fromId - 1).executeTakeFirst();
  return row ? { id: Number(row.id), checksum: row.checksum } : undefined;
}

/**
 * Walks the chain by ascending id in pages, recomputing every checksum and link (reference §7.3,
 * RELIABILITY promise 6), and names the first broken entry: a changed value (checksum mismatch
 * at that id), a deleted entry (ids jump at the next id), swapped or forged entries (a link or
 * checksum mismatch), and with `expectedHead` a truncated or rewritten chain.
 */
export async function verifyAuditChain(db: Kysely<GlobalDatabase>, options: VerifyOptions = {}): Promise<VerifyResult> {
  const head = (await readAuditHead(db)) ?? null;
  const anchor = options.expectedHead;
  const fromId = Math.max(1, Math.min(options.fromId ?? 1, anchor?.id ?? Infinity));
  const toId = Math.min(head?.id ?? 0, Math.max(options.toId ?? Infinity, anchor?.id ?? 0));
  let prev = await predecessor(db, fromId);
  if (fromId > 1 && !prev && fromId <= toId) {
    return { valid: false, checked: 0, first_broken_id: fromId, reason: `entry ${fromId - 1}, the one before the range, is missing`, head };
  }
  let expectedId = fromId;
  let checked = 0;
  while (expectedId <= toId) {
    const rows = await db.selectFrom('audit_log').selectAll().where('id', '>=', expectedId).where('id', '<=', toId).orderBy('id').limit(PAGE).execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const entry = entryFromRow(row);
      checked++;
      const broken = judge(entry, expectedId, prev);
      if (broken) return { valid: false, checked, first_broken_id: broken.id, reason: broken.reason, head };
      if (anchor && entry.id === anchor.id && entry.checksum !== anchor.checksum) {
        return { valid: false, checked, first_broken_id: entry.id, reason: `anchor mismatch: entry ${entry.id} has another checksum than the anchor (chain rewritten)`, head };
      }
      prev = { id: entry.id, checksum: entry.checksum };
      expectedId = entry.id + 1;
    }
  }
  return finish(checked, head, expectedId, toId, anchor);
}

/** The verdict once the walk found nothing wrong: the tail may still be missing entries. */
function finish(checked: number, head: AuditHead | null, nextId: number, toId: number, anchor: AuditHead | undefined): VerifyResult {
  const end = head?.id ?? 0;
  if (anchor && anchor.id > end) {
    return { valid: false, checked, first_broken_id: end + 1, reason: `head mismatch: chain ends at ${end}, anchor says ${anchor.id}`, head };
  }
  // The walk stopped short of `toId` only when every id from `nextId` on was gone.
  if (nextId <= toId) {
    return { valid: false, checked, first_broken_id: nextId, reason: `entries ${nextId}–${toId} are missing`, head };
  }
  return { valid: true, checked, head };
}
