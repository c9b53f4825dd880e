import type { RuleCaller, RuleGates } from '../access';
import type { CallerGroups } from '../access';
import type { CollectionCatalog } from '../collections';
import { presentRecord } from './record-row';

/** Someone whose read access bounds what a pushed record may show (a webhook's owner). */
export interface RecordReader {
  readonly userId: string;
  readonly accountId: string;
  readonly email: string;
  readonly role: string;
  readonly isSuperadmin: boolean;
}

/** A full record (API values) as `reader` may see it, or null when its view rule hides it. */
export type RecordVisibility = (
  reader: RecordReader,
  collection: string,
  row: Readonly<Record<string, unknown>>,
) => Promise<Readonly<Record<string, unknown>> | null>;

/**
 * What a record pushed outside a request (webhook payloads) may carry: the reader's view rule
 * decides whether they see it at all (evaluated in memory on the row), then `view_fields` and
 * the PII masks apply, exactly as `GET /records/{c}/{id}` would answer them (spec §12.2 item 18
 * fixed). Another account's record is never visible (superadmins excepted).
 */
export function createRecordVisibility(deps: { catalog: CollectionCatalog; gates: RuleGates; groups: CallerGroups }): RecordVisibility {
  return async (reader, collection, row) => {
    const model = await deps.catalog.byName(collection);
    if (!model) return null;
    if (!reader.isSuperadmin && row['account_id'] !== reader.accountId) return null;
    const groups = reader.isSuperadmin ? [] : await deps.groups.of(reader.accountId, reader.userId);
    const caller: RuleCaller = {
      auth: { id: reader.userId, email: reader.email, role: reader.role, account_id: reader.accountId, groups },
      isSuperadmin: reader.isSuperadmin,
      groups,
    };
    try {
      const gate = await deps.gates.gate(caller, model, 'view');
      if (!deps.gates.admits(gate, row)) return null;
    } catch {
      // Locked for this reader, or a rule that no longer compiles: they see nothing.
      return null;
    }
    return presentRecord(model, row, 'view', caller);
  };
}
