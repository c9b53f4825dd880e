import { randomUUID } from 'node:crypto';
import type { SnackDatabase } from '@snackbase/db';
import { ensureSystemAccount, SYSTEM_ACCOUNT_ID } from '../accounts';
import type { AuditRecorder } from '../audit';
import { systemContext } from '../context';
import { BUILTIN_TEMPLATES } from './builtin-templates';
import { TEMPLATE_TYPES } from './template-variables';

/**
 * Seeds the three system templates (locale `en`, `is_builtin`) when absent (spec §0.4 step 7).
 * Idempotent and safe when two instances start together; an edited template is never
 * overwritten. Returns the types it inserted.
 */
export async function seedEmailTemplates(db: SnackDatabase, audit?: AuditRecorder): Promise<string[]> {
  return db.transaction(async (trx) => {
    await ensureSystemAccount(trx);
    const inserted: string[] = [];
    for (const type of TEMPLATE_TYPES) {
      const row = { id: randomUUID(), account_id: SYSTEM_ACCOUNT_ID, template_type: type, locale: 'en', ...BUILTIN_TEMPLATES[type], enabled: true, is_builtin: true };
      const result = await trx
        .insertInto('email_templates')
        .values(row)
        .onConflict((oc) => oc.columns(['account_id', 'template_type', 'locale']).doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) continue;
      inserted.push(type);
      // Templates are configuration: the seeded originals are in the audit trail like any edit.
      await audit?.record(trx, systemContext('bootstrap'), { operation: 'CREATE', table: 'email_templates', recordId: row.id, accountId: null, after: row });
    }
    return inserted;
  });
}
