import { createDatabase, migrateToLatest, type SnackDatabase } from '@snackbase/db';
import { HookAbortError, HookHandlerError } from '@snackbase/hooks';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import type { RequestContext } from '../context';
import { forbidden } from '../errors';
import { createAppHooks, type AppHooks } from '../events/create-app-hooks';
import { createLogger } from '../logging';
import type { AuditChange } from './audit-diff';
import { createAudit, type Audit } from './create-audit';
import { isCollectionTable, modelRow } from './model-events';

const logger = createLogger({ level: 'error', format: 'json', silent: true });
const ctx: RequestContext = { principal: { kind: 'anonymous' }, requestId: 'cid-model' };
const EVENTS = ['model.beforeCreate', 'model.afterCreate', 'model.beforeUpdate', 'model.afterUpdate', 'model.beforeDelete', 'model.afterDelete'] as const;

describe('model rows', () => {
  it('are deep frozen copies with secret columns and members redacted', () => {
    const source = { id: 'u1', password_hash: 'h', profile: { api_token: 't', team: 'ops' }, tags: ['a'], empty_secret: null };
    const row = modelRow(source) as Record<string, unknown>;
    expect(row).toEqual({ id: 'u1', password_hash: '[redacted]', profile: { api_token: '[redacted]', team: 'ops' }, tags: ['a'], empty_secret: null });
    expect(Object.isFrozen(row) && Object.isFrozen(row['profile']) && Object.isFrozen(row['tags'])).toBe(true);
    expect(row['profile']).not.toBe(source.profile);
    expect(modelRow(null)).toEqual({});
  });

  it('tells collection tables from system tables', () => {
    expect(['col_posts', 'groups', 'collections', 'collection_rules'].map(isCollectionTable)).toEqual([true, false, false, false]);
  });
});

describe.each(TEST_DIALECTS)('audit.record fires model events on %s', (dialect) => {
  let t: TestDatabase;
  let db: SnackDatabase;
  let hooks: AppHooks;
  let fired: string[];
  const hookErrors: HookHandlerError[] = [];

  const auditWith = (enabled: boolean): Audit => createAudit({ db, config: { auditLoggingEnabled: enabled }, logger, hooks });
  const write = (audit: Audit, change: AuditChange) => db.transaction((trx) => audit.record(trx, ctx, change));
  const entries = async (recordId: string) => {
    await auditWith(true).flush();
    return (await db.kysely.selectFrom('audit_log').select('id').where('record_id', '=', recordId).execute()).length;
  };

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await t.db.destroy();
    db = createDatabase({ url: t.url });
    await migrateToLatest(db);
  });
  afterAll(async () => {
    await db.close();
    await t.destroy();
  });
  beforeEach(() => {
    hooks = createAppHooks((e) => hookErrors.push(e));
    fired = [];
    hookErrors.length = 0;
    for (const event of EVENTS) hooks.on(event, (p) => void fired.push(`${event} ${p.table} ${p.id}`));
  });

  it('fires before (in the transaction) and after (on commit) for each operation, tagged with the table', async () => {
    const audit = auditWith(true);
    const groupsOnly: string[] = [];
    hooks.on('model.afterDelete', (p) => void groupsOnly.push(p.id), { tags: ['groups'] });
    await db.transaction(async (trx) => {
      await audit.record(trx, ctx, { operation: 'CREATE', table: 'groups', recordId: 'g1', after: { name: 'Ops' } });
      await audit.record(trx, ctx, { operation: 'UPDATE', table: 'groups', recordId: 'g1', before: { name: 'Ops' }, after: { name: 'Dev' } });
      // Nothing after-phase yet: the transaction has not committed.
      expect(fired).toEqual(['model.beforeCreate groups g1', 'model.beforeUpdate groups g1']);
    });
    await write(audit, { operation: 'DELETE', table: 'groups', recordId: 'g1', before: { name: 'Dev' } });
    await write(audit, { operation: 'DELETE', table: 'roles', recordId: 7, before: { name: 'x' } });
    expect(fired).toEqual([
      'model.beforeCreate groups g1',
      'model.beforeUpdate groups g1',
      'model.afterCreate groups g1',
      'model.afterUpdate groups g1',
      'model.beforeDelete groups g1',
      'model.afterDelete groups g1',
      'model.beforeDelete roles 7',
      'model.afterDelete roles 7',
    ]);
    expect(groupsOnly).toEqual(['g1']);
  });

  it('hands afterUpdate the row with the changes applied, and the row before', async () => {
    let seen: unknown;
    hooks.on('model.afterUpdate', (p) => void (seen = { model: p.model, previous: p.previous }));
    await write(auditWith(true), { operation: 'UPDATE', table: 'macros', recordId: 'm1', before: { name: 'a', sql_query: 'select 1' }, after: { name: 'b' } });
    expect(seen).toEqual({ model: { name: 'b', sql_query: 'select 1' }, previous: { name: 'a', sql_query: 'select 1' } });
  });

  it('fires nothing for collection tables and for the tables the log skips', async () => {
    const audit = auditWith(true);
    await write(audit, { operation: 'CREATE', table: 'col_posts', recordId: 'p1', after: { title: 'x' } });
    await write(audit, { operation: 'CREATE', table: 'refresh_tokens', recordId: 'r1', after: { token_hash: 'x' } });
    expect(fired).toEqual([]);
    expect(await entries('p1')).toBe(1);
  });

  it('fires with audit logging off, writing no entry', async () => {
    await write(auditWith(false), { operation: 'CREATE', table: 'webhooks', recordId: 'w-off', after: { url: 'https://x.test' } });
    expect(fired).toEqual(['model.beforeCreate webhooks w-off', 'model.afterCreate webhooks w-off']);
    expect(await entries('w-off')).toBe(0);
  });

  it('a before abort rejects with its 4xx, rolls the transaction back and drops the after events', async () => {
    hooks.on('model.beforeCreate', () => {
      throw new HookAbortError(422, 'Not this one', [{ field: 'name', message: 'taken' }]);
    });
    const attempt = write(auditWith(true), { operation: 'CREATE', table: 'groups', recordId: 'g-abort', after: { name: 'x' } });
    await expect(attempt).rejects.toMatchObject({ status: 422, message: 'Not this one', details: [{ field: 'name', message: 'taken' }] });
    expect(fired).toEqual(['model.beforeCreate groups g-abort']);
    expect(await entries('g-abort')).toBe(0);
  });

  it('a 4xx AppError thrown by a before-handler passes as is; any other error stays a server error', async () => {
    const off = hooks.on('model.beforeUpdate', () => {
      throw forbidden('Frozen group');
    });
    const change: AuditChange = { operation: 'UPDATE', table: 'groups', recordId: 'g2', before: { name: 'a' }, after: { name: 'b' } };
    await expect(write(auditWith(true), change)).rejects.toMatchObject({ status: 403, message: 'Frozen group' });
    off();
    hooks.on('model.beforeUpdate', () => {
      throw new TypeError('bug in a hook');
    });
    await expect(write(auditWith(true), change)).rejects.toBeInstanceOf(HookHandlerError);
  });

  it('a failing after-handler is reported and the write stands', async () => {
    hooks.on('model.afterCreate', () => {
      throw new Error('after broke');
    });
    await expect(write(auditWith(true), { operation: 'CREATE', table: 'groups', recordId: 'g-after', after: { name: 'x' } })).resolves.not.toEqual([]);
    expect(hookErrors.map((e) => [e.event, e.phase])).toEqual([['model.afterCreate', 'after']]);
    expect(await entries('g-after')).toBe(1);
  });
});
