import type { Transaction } from 'kysely';
import type { RoleListResponse, RoleResponse } from '@snackbase/contract';
import { translateDbError, type GlobalDatabase, type SnackDatabase } from '@snackbase/db';
import { allAccounts, tenantTable } from '@snackbase/tenancy';
import type { AuditRecorder } from '../audit';
import type { RequestContext } from '../context';
import { AppError, conflict, forbidden, notFound, unauthorized, validationFailed } from '../errors';

/** `POST /roles` and `PUT /roles/{id}` body. On update an absent description is kept. */
export interface RoleInput {
  readonly name: string;
  readonly description?: string | null;
}

/**
 * The global roles (spec §5.8), superadmin only. The seeded `admin` (1) and `user` (2) roles
 * cannot be deleted or renamed; a role still held by users cannot be deleted. Writes are
 * audited (table `roles`, no account) with `ctx`'s principal as the actor.
 */
export interface Roles {
  list(ctx: RequestContext): Promise<RoleListResponse>;
  get(ctx: RequestContext, id: number): Promise<RoleResponse>;
  create(ctx: RequestContext, input: RoleInput): Promise<RoleResponse>;
  update(ctx: RequestContext, id: number, input: RoleInput): Promise<RoleResponse>;
  remove(ctx: RequestContext, id: number): Promise<void>;
}

/** The roles the migrations seed, by id; their names are what rules and tokens carry. */
export const SEEDED_ROLES: Readonly<Record<number, string>> = Object.freeze({ 1: 'admin', 2: 'user' });

type Trx = Transaction<GlobalDatabase>;

function requireSuperadmin(ctx: RequestContext): void {
  if (ctx.principal.kind !== 'user') throw unauthorized();
  if (!ctx.principal.isSuperadmin) throw forbidden('Superadmin access required');
}

const roleNotFound = (id: number) => notFound(`Role with ID ${id} not found`);
const duplicateRole = (name: string) => conflict(`Role with name '${name}' already exists`, 'unique_violation', { field: 'name' });
const isSeeded = (role: RoleResponse) => SEEDED_ROLES[role.id] !== undefined || Object.values(SEEDED_ROLES).includes(role.name);
const unprocessable = (message: string) => new AppError(422, 'invalid_request', 'Unprocessable entity', message);

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw validationFailed([{ field: 'name', message: 'Role name cannot be empty', code: 'required_missing' }]);
  return trimmed;
}

const findRole = (db: Trx | SnackDatabase['kysely'], id: number) =>
  db.selectFrom('roles').select(['id', 'name', 'description']).where('id', '=', id).executeTakeFirst();

async function nameTaken(trx: Trx, name: string, exceptId?: number): Promise<boolean> {
  const row = await trx.selectFrom('roles').select('id').where('name', '=', name).executeTakeFirst();
  return row !== undefined && row.id !== exceptId;
}

/**
 * `roles.id` is a plain integer key (the reference's autoincrement), so the next id is taken
 * inside the transaction; on PostgreSQL two concurrent creates may pick the same one, and the
 * loser retries with a fresh transaction.
 */
async function insertRole(ctx: RequestContext, deps: { db: SnackDatabase; audit: AuditRecorder }, name: string, description: string | null): Promise<RoleResponse> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await deps.db.transaction(async (trx) => {
        if (await nameTaken(trx, name)) throw duplicateRole(name);
        const max = await trx.selectFrom('roles').select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
        const id = Number(max?.max ?? 0) + 1;
        const role = { id, name, description };
        await trx.insertInto('roles').values(role).execute();
        await deps.audit.record(trx, ctx, { operation: 'CREATE', table: 'roles', recordId: id, accountId: null, after: role });
        return role;
      });
    } catch (e) {
      const failure = translateDbError(e);
      if (failure?.kind !== 'unique') throw e;
      if (failure.columns.includes('name') || attempt >= 4) throw duplicateRole(name);
    }
  }
}

/**
 * @example
 * const roles = createRoles(core.db, core.audit);
 * const editor = await roles.create(ctx, { name: 'editor' });
 */
export function createRoles(db: SnackDatabase, audit: AuditRecorder): Roles {
  return {
    async list(ctx) {
      requireSuperadmin(ctx);
      const items = await db.kysely.selectFrom('roles').select(['id', 'name', 'description']).orderBy('id').execute();
      return { items, total: items.length };
    },

    async get(ctx, id) {
      requireSuperadmin(ctx);
      const role = await findRole(db.kysely, id);
      if (!role) throw roleNotFound(id);
      return role;
    },

    async create(ctx, input) {
      requireSuperadmin(ctx);
      return insertRole(ctx, { db, audit }, cleanName(input.name), input.description ?? null);
    },

    async update(ctx, id, input) {
      requireSuperadmin(ctx);
      const name = cleanName(input.name);
      try {
        return await db.transaction(async (trx) => {
          const role = await findRole(trx, id);
          if (!role) throw roleNotFound(id);
          if (name !== role.name && isSeeded(role)) throw unprocessable(`Cannot rename default role '${role.name}'`);
          if (await nameTaken(trx, name, id)) throw duplicateRole(name);
          const description = input.description === undefined ? role.description : input.description;
          const after = { name, description };
          await trx.updateTable('roles').set(after).where('id', '=', id).execute();
          await audit.record(trx, ctx, { operation: 'UPDATE', table: 'roles', recordId: id, accountId: null, before: role, after });
          return { id, ...after };
        });
      } catch (e) {
        if (translateDbError(e)?.kind === 'unique') throw duplicateRole(name);
        throw e;
      }
    },

    async remove(ctx, id) {
      requireSuperadmin(ctx);
      await db.transaction(async (trx) => {
        const role = await findRole(trx, id);
        if (!role) throw roleNotFound(id);
        if (isSeeded(role)) throw unprocessable(`Cannot delete default role '${role.name}'`);
        const users = tenantTable(trx, allAccounts('superadmin deletes a role: is it still held?'), 'users');
        const holder = await users.select().select('users.id').where('users.role_id', '=', id).limit(1).executeTakeFirst();
        if (holder) throw conflict(`Cannot delete role '${role.name}': users still have it`, 'conflict');
        await trx.deleteFrom('roles').where('id', '=', id).execute();
        await audit.record(trx, ctx, { operation: 'DELETE', table: 'roles', recordId: id, accountId: null, before: role });
      });
    },
  };
}
