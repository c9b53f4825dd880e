import type { ErrorDetail } from '@snackbase/contract';
import type { CollectionCatalog, CollectionModel } from '../collections';
import { referenceProblems } from './reference-checks';
import { checkRecordValues, recordValidationFailed, type WriteMode } from './record-values';
import { withIndex, type Db, type Row } from './write-support';

/** One body to check: how it is read, and the account its references must live in. */
export interface ValueItem {
  readonly body: Readonly<Row>;
  readonly mode: WriteMode;
  readonly accountId: string;
}

/**
 * The normalised values of every item, after the schema checks (spec §3.3) and the reference
 * checks in each record's own account (one query per reference field and account for the
 * whole batch). Schema and reference problems of an item are reported together.
 * @throws AppError 400 `validation_failed` for the first failing item (with `index` when
 *   `indexed`, as batch answers carry).
 */
export async function checkedValues(db: Db, catalog: CollectionCatalog, model: CollectionModel, items: readonly ValueItem[], indexed: boolean): Promise<Row[]> {
  const checked = items.map((item) => checkRecordValues(model, item.body, item.mode));
  const refs = await referenceProblems(
    db,
    catalog,
    model,
    items.map((item, i) => ({ accountId: item.accountId, values: checked[i]?.values ?? {} })),
  );
  for (let i = 0; i < items.length; i++) {
    const details: ErrorDetail[] = [...(checked[i]?.details ?? []), ...(refs[i] ?? [])];
    if (details.length === 0) continue;
    const error = recordValidationFailed(details);
    throw indexed ? withIndex(error, i) : error;
  }
  return checked.map((c) => c.values);
}

/** Whether a before-hook changed the draft (then it is checked again). */
export function draftChanged(before: Readonly<Row>, after: Readonly<Row>): boolean {
  return before !== after && JSON.stringify(before) !== JSON.stringify(after);
}
