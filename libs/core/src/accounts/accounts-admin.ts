import { sql } from 'kysely';
import { fromDbBool, nowIso, type SnackDatabase } from '@snackbase/db';
import { allAccounts, accountScope, deriveAdminSlug, slugProblem, tenantTable, uniqueSlug } from '@snackbase/tenancy';
import type { AuditRecorder } from '../audit';
import type { RequestContext } from '../context';
import { AppError, invalidRequest, notFound } from '../errors';
import { insertAccount, slugTaken, type AccountRow } from './insert-account';
import { SYSTEM_ACCOUNT_ID } from './system-account';

/** `GET /accounts` query (spec §10.1). */
export interface AccountListQuery {
  readonly page: number;
  readonly pageSize: number;
  readonly sortBy: 'id' | 'slug' | 'name' | 'created_at' | 'account_code';
  readonly sortOrder: 'asc' | 'desc';
  readonly search?: string;
}

/** One page of a list, as the reference's paginated endpoints answer. */
export interface Page<T> {
  readonly items: T[];
  readonly total: number;
  readonly page: number;
  readonly page_size: number;
  readonly total_pages: number;
}

export type AccountDetail = AccountRow & { readonly user_count: number; readonly collections_used: string[] };

const unprocessable = (message: string) => new AppError(422, 'invalid_request', 'Invalid request', message);

function page<T>(items: T[], total: number, p: number, size: number): Page<T> {
  return { items, total, page: p, page_size: size, total_pages: Math.max(1, Math.ceil(total / size)) };
}

/**
 * The superadmin accounts API (spec §10.1). Callers check that the principal is a superadmin.
 * Every write is audited in its own transaction, with `ctx`'s principal as the actor.
 */
export function createAccountsAdmin(db: SnackDatabase, audit: AuditRecorder) {
  const users = () => tenantTable(db.kysely, allAccounts('superadmin accounts API counts users'), 'users');

  async function userCount(accountId: string): Promise<number> {
    const r = await tenantTable(db.kysely, accountScope(accountId), 'users').select().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async function get(id: string): Promise<AccountDetail> {
    const row = await db.kysely.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`Account '${id}' not found`);
    return { ...row, user_count: await userCount(id), collections_used: [] };
  }

  return {
    get,
    async list(q: AccountListQuery): Promise<Page<AccountRow & { user_count: number; status: 'active' }>> {
      let base = db.kysely.selectFrom('accounts');
      if (q.search) {
        const like = `%${q.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        base = base.where((eb) =>
          eb.or(['name', 'slug', 'account_code', 'id'].map((c) => eb(sql`lower(${sql.ref(c)})`, 'like', sql`${like} escape '\\'`))),
        );
      }
      const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
      const rows = await base
        .selectAll()
        .orderBy(q.sortBy, q.sortOrder)
        .orderBy('id')
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute();
      const counts = rows.length
        ? await users()
            .select()
            .select(['account_id', (eb) => eb.fn.countAll<number>().as('n')])
            .where('account_id', 'in', rows.map((r) => r.id))
            .groupBy('account_id')
            .execute()
        : [];
      const byAccount = new Map(counts.map((c) => [c.account_id, Number(c.n)]));
      return page(rows.map((r) => ({ ...r, user_count: byAccount.get(r.id) ?? 0, status: 'active' as const })), total, q.page, q.pageSize);
    },
    async create(ctx: RequestContext, input: { name: string; slug?: string }): Promise<AccountDetail> {
      const name = input.name.trim();
      if (!name) throw invalidRequest([{ field: 'name', message: 'Name is required', code: 'required' }]);
      if (input.slug !== undefined) {
        const problem = slugProblem(input.slug, 'admin');
        if (problem) throw invalidRequest([{ field: 'slug', message: problem, code: 'invalid_slug' }]);
      }
      const row = await db.transaction(async (trx) => {
        const slug = input.slug ?? (await uniqueSlug(deriveAdminSlug(name), (s) => slugTaken(trx, s)));
        if (input.slug !== undefined && (await slugTaken(trx, slug))) throw unprocessable(`Slug '${slug}' already exists`);
        const created = await insertAccount(trx, db.dialect, { name, slug });
        await audit.record(trx, ctx, { operation: 'CREATE', table: 'accounts', recordId: created.id, accountId: created.id, after: { ...created } });
        return created;
      });
      return { ...row, user_count: 0, collections_used: [] };
    },
    async rename(ctx: RequestContext, id: string, name: string): Promise<AccountDetail> {
      await db.transaction(async (trx) => {
        const before = await trx.selectFrom('accounts').select(['name', 'updated_at']).where('id', '=', id).executeTakeFirst();
        if (!before) throw notFound(`Account '${id}' not found`);
        const after = { name: name.trim(), updated_at: nowIso() };
        await trx.updateTable('accounts').set(after).where('id', '=', id).execute();
        await audit.record(trx, ctx, { operation: 'UPDATE', table: 'accounts', recordId: id, accountId: id, before, after });
      });
      return get(id);
    },
    /**
     * Deletes an account and, through ON DELETE CASCADE, everything it owns. Only the account row
     * is audited: the cascaded rows go without entries of their own.
     */
    async remove(ctx: RequestContext, id: string): Promise<void> {
      if (id === SYSTEM_ACCOUNT_ID) throw unprocessable('Cannot delete system account');
      await db.transaction(async (trx) => {
        const before = await trx.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
        if (!before) throw notFound(`Account '${id}' not found`);
        await trx.deleteFrom('accounts').where('id', '=', id).execute();
        await audit.record(trx, ctx, { operation: 'DELETE', table: 'accounts', recordId: id, accountId: id, before });
      });
    },
    async listUsers(id: string, p: number, size: number): Promise<Page<{ id: string; email: string; role: string; is_active: boolean; created_at: string }>> {
      await get(id);
      const scoped = tenantTable(db.kysely, accountScope(id), 'users');
      const total = Number((await scoped.select().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
      const rows = await scoped
        .select()
        .innerJoin('roles', 'roles.id', 'users.role_id')
        .select(['users.id', 'users.email', 'roles.name as role', 'users.is_active', 'users.created_at'])
        .orderBy('users.created_at', 'desc')
        .orderBy('users.id')
        .limit(size)
        .offset((p - 1) * size)
        .execute();
      return page(rows.map((r) => ({ ...r, is_active: fromDbBool(r.is_active) })), total, p, size);
    },
  };
}

/** The superadmin accounts API. */
export type AccountsAdmin = ReturnType<typeof createAccountsAdmin>;
