import type { ErrorDetail } from '@snackbase/contract';
import type { CollectionCatalog, CollectionModel } from '../collections';
import { tableOfAccount, type Db, type Row } from './write-support';

/** One record's values to check, and the account its references must live in. */
export interface ReferenceItem {
  readonly accountId: string;
  readonly values: Readonly<Row>;
}

/**
 * Reference problems of each item (same order as `items`; empty arrays when fine): every
 * non-null reference value must name a record of the target collection IN THE RECORD'S
 * ACCOUNT (spec §4.5; a superadmin writing a tenant's record checks that tenant, fixing §12.3
 * item 33a). One query per reference field and account, however many items.
 */
export async function referenceProblems(trx: Db, catalog: CollectionCatalog, model: CollectionModel, items: readonly ReferenceItem[]): Promise<ErrorDetail[][]> {
  const problems: ErrorDetail[][] = items.map(() => []);
  for (const field of model.fields) {
    if (field.type !== 'reference') continue;
    const wanted = new Map<string, Set<string>>(); // account → ids
    items.forEach((item) => {
      const value = item.values[field.name];
      if (typeof value !== 'string') return;
      let ids = wanted.get(item.accountId);
      if (!ids) wanted.set(item.accountId, (ids = new Set()));
      ids.add(value);
    });
    if (wanted.size === 0) continue;
    const target = field.collection ? await catalog.byName(field.collection) : undefined;
    const found = new Map<string, Set<string>>();
    for (const [accountId, ids] of wanted) {
      found.set(accountId, target ? await existingIds(trx, target, accountId, [...ids]) : new Set());
    }
    items.forEach((item, i) => {
      const value = item.values[field.name];
      if (typeof value !== 'string' || found.get(item.accountId)?.has(value)) return;
      problems[i]?.push({ field: field.name, code: 'invalid_reference', message: `Referenced record '${value.slice(0, 64)}' not found in collection '${field.collection ?? ''}'` });
    });
  }
  return problems;
}

async function existingIds(trx: Db, target: CollectionModel, accountId: string, ids: string[]): Promise<Set<string>> {
  const rows = (await tableOfAccount(trx, accountId, target).select().select('id').where('id', 'in', ids).execute()) as Row[];
  return new Set(rows.map((r) => String(r['id'])));
}
