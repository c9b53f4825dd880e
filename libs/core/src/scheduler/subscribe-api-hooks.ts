import type { RequestContext } from '../context';
import type { AppHooks, AuthSessionPayload } from '../events';
import type { ApiHookEventInput, ApiHooks } from './create-api-hooks';

/** The record's tenant: events belong to the record's account, never the actor's (§12.6 item 49). */
const accountOf = (row: Readonly<Record<string, unknown>>) => String(row['account_id'] ?? '');

/**
 * Subscribes API-hook dispatch to the committed record events and the auth after-events (spec
 * §10.11 priority 300; §12.6 item 43: auth hooks now run). Locked: user code cannot unhook it.
 */
export function subscribeApiHooks(hooks: AppHooks, apiHooks: Pick<ApiHooks, 'dispatch'>): void {
  const options = (id: string) => ({ id: `api-hooks:${id}`, priority: 300, locked: true });
  const actorOf = (ctx: RequestContext) => (ctx.principal.kind === 'user' ? { userId: ctx.principal.userId, email: ctx.principal.email } : null);
  const send = (e: ApiHookEventInput) => apiHooks.dispatch(e);
  hooks.on('record.afterCreate', (p) => send({ accountId: accountOf(p.record), event: 'records.create', collection: p.collection, record: p.record, actor: actorOf(p.ctx), hookDepth: p.ctx.hookDepth, requestId: p.ctx.requestId }), options('record-create'));
  hooks.on('record.afterUpdate', (p) => send({ accountId: accountOf(p.record), event: 'records.update', collection: p.collection, record: p.record, actor: actorOf(p.ctx), hookDepth: p.ctx.hookDepth, requestId: p.ctx.requestId }), options('record-update'));
  hooks.on('record.afterDelete', (p) => send({ accountId: accountOf(p.record), event: 'records.delete', collection: p.collection, record: p.record, actor: actorOf(p.ctx), hookDepth: p.ctx.hookDepth, requestId: p.ctx.requestId }), options('record-delete'));
  const auth = (event: 'auth.login' | 'auth.register') => (p: AuthSessionPayload) =>
    send({ accountId: p.account.id, event, collection: 'users', record: { ...p.user }, actor: { userId: p.user.id, email: p.user.email }, requestId: p.ctx.requestId });
  hooks.on('auth.afterLogin', auth('auth.login'), options('login'));
  hooks.on('auth.afterRegister', auth('auth.register'), options('register'));
}
