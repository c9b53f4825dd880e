import { randomUUID } from 'node:crypto';
import type { GroupDetailResponse, GroupResponse } from '@snackbase/contract';
import { nowIso, type SnackDatabase } from '@snackbase/db';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import type { AuditChange, AuditRecorder } from '../audit';
import type { RequestContext } from '../context';
import { notFound, validationFailed } from '../errors';
import { callerOf, duplicateGroupName, groupScopeOf, uniqueAs } from './group-access';
import { addMember, removeMember } from './group-members';
import { findGroup, groupDetail, listGroups } from './group-reads';

/** `POST /groups` body. `account_id` is honoured for superadmins only (spec §12.2 item 16 fixed). */
export interface CreateGroupInput {
  readonly name: string;
  readonly description?: string | null;
  readonly account_id?: string | null;
}

/** `PATCH /groups/{id}` body; an absent key is left as it is, a null description clears it. */
export interface UpdateGroupInput {
  readonly name?: string;
  readonly description?: string | null;
}

/** The default and the ceiling of `GET /groups?limit`. */
export const GROUPS_DEFAULT_LIMIT = 100;
export const GROUPS_MAX_LIMIT = 1000;

/**
 * Groups of an account and their members (spec §5.8). Every call is confined to the caller's
 * account (superadmins: every account); a group outside it is a 404 "Group not found", exactly
 * like one that does not exist. Every write is audited in its transaction (`groups`, and
 * `users_groups` with record id `<user_id>:<group_id>`), with `ctx`'s principal as the actor.
 */
export interface Groups {
  create(ctx: RequestContext, input: CreateGroupInput): Promise<GroupDetailResponse>;
  /** `limit` is capped at {@link GROUPS_MAX_LIMIT}. */
  list(ctx: RequestContext, page?: { skip?: number; limit?: number }): Promise<GroupResponse[]>;
  get(ctx: RequestContext, id: string): Promise<GroupDetailResponse>;
  update(ctx: RequestContext, id: string, input: UpdateGroupInput): Promise<GroupDetailResponse>;
  remove(ctx: RequestContext, id: string): Promise<void>;
  /** Adds a user of the group's own account; anyone else is a 400 naming `user_id`. */
  addUser(ctx: RequestContext, groupId: string, userId: string): Promise<void>;
  /** Removes a membership; idempotent (a non-member is a no-op). */
  removeUser(ctx: RequestContext, groupId: string, userId: string): Promise<void>;
}

const groupNotFound = () => notFound('Group not found');

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw validationFailed([{ field: 'name', message: 'Name must not be blank', code: 'required_missing' }]);
  return trimmed;
}

/** A group row as the audit log records it. */
const groupRow = (g: { id: string; account_id: string; name: string; description: string | null; created_at: string; updated_at: string }) => ({
  id: g.id,
  account_id: g.account_id,
  name: g.name,
  description: g.description,
  created_at: g.created_at,
  updated_at: g.updated_at,
});

/**
 * @example
 * const groups = createGroups(core.db, core.audit);
 * const team = await groups.create(ctx, { name: 'Editors' });
 * await groups.addUser(ctx, team.id, userId);
 */
export function createGroups(db: SnackDatabase, audit: AuditRecorder, onMembersChanged: (userId: string) => void = () => undefined): Groups {
  // Rules see group names (`@has_group`, `pii_access`): a rename, a deletion or a membership
  // change must reach the per-instance group caches at once, after the commit.
  const changed = async <T>(work: Promise<T>, userId = '*'): Promise<T> => {
    const result = await work;
    onMembersChanged(userId);
    return result;
  };
  return {
    async create(ctx, input) {
      const caller = callerOf(ctx);
      // Protected key: a tenant user's account_id is ignored, never applied (DECISIONS).
      const accountId = caller.isSuperadmin && input.account_id ? input.account_id : caller.accountId;
      const name = cleanName(input.name);
      return db.transaction(async (trx) => {
        if (accountId !== caller.accountId) {
          const account = await trx.selectFrom('accounts').select('id').where('id', '=', accountId).executeTakeFirst();
          if (!account) throw notFound('Account not found');
        }
        const scope = accountScope(accountId);
        const groups = tenantTable(trx, scope, 'groups');
        if (await groups.select().select('id').where('name', '=', name).executeTakeFirst()) throw duplicateGroupName();
        const id = randomUUID();
        const now = nowIso();
        const row = { id, name, description: input.description ?? null, created_at: now, updated_at: now };
        await uniqueAs(groups.insert(row).execute(), duplicateGroupName);
        await audit.record(trx, ctx, { operation: 'CREATE', table: 'groups', recordId: id, accountId, after: { ...row, account_id: accountId } });
        const group = await findGroup(trx, scope, id);
        if (!group) throw groupNotFound();
        return groupDetail(trx, group);
      });
    },

    async list(ctx, page = {}) {
      const scope = groupScopeOf(callerOf(ctx));
      const limit = Math.min(Math.max(page.limit ?? GROUPS_DEFAULT_LIMIT, 0), GROUPS_MAX_LIMIT);
      return listGroups(db.kysely, scope, Math.max(page.skip ?? 0, 0), limit);
    },

    async get(ctx, id) {
      const group = await findGroup(db.kysely, groupScopeOf(callerOf(ctx)), id);
      if (!group) throw groupNotFound();
      return groupDetail(db.kysely, group);
    },

    async update(ctx, id, input) {
      const scope = groupScopeOf(callerOf(ctx));
      return changed(db.transaction(async (trx) => {
        const group = await findGroup(trx, scope, id);
        if (!group) throw groupNotFound();
        // Writes go through the group's own account, also for a superadmin.
        const own = accountScope(group.account_id);
        const groups = tenantTable(trx, own, 'groups');
        const name = input.name === undefined ? undefined : cleanName(input.name);
        if (name !== undefined && name !== group.name) {
          if (await groups.select().select('id').where('name', '=', name).executeTakeFirst()) throw duplicateGroupName();
        }
        const changes = { ...(name !== undefined ? { name } : {}), ...(input.description !== undefined ? { description: input.description } : {}), updated_at: nowIso() };
        await uniqueAs(groups.update(changes).where('id', '=', id).execute(), duplicateGroupName);
        await audit.record(trx, ctx, { operation: 'UPDATE', table: 'groups', recordId: id, accountId: group.account_id, before: groupRow(group), after: changes });
        const updated = await findGroup(trx, own, id);
        if (!updated) throw groupNotFound();
        return groupDetail(trx, updated);
      }));
    },

    async remove(ctx, id) {
      const scope = groupScopeOf(callerOf(ctx));
      await changed(db.transaction(async (trx) => {
        const group = await findGroup(trx, scope, id);
        if (!group) throw groupNotFound();
        const members = await trx.selectFrom('users_groups').select(['user_id', 'group_id']).where('group_id', '=', group.id).execute();
        await trx.deleteFrom('users_groups').where('group_id', '=', group.id).execute();
        await tenantTable(trx, accountScope(group.account_id), 'groups').delete().where('id', '=', group.id).execute();
        const changes: AuditChange[] = [
          ...members.map((m): AuditChange => ({ operation: 'DELETE', table: 'users_groups', recordId: `${m.user_id}:${m.group_id}`, accountId: group.account_id, before: m })),
          { operation: 'DELETE', table: 'groups', recordId: group.id, accountId: group.account_id, before: groupRow(group) },
        ];
        for (const change of changes) await audit.record(trx, ctx, change);
      }));
    },

    addUser: (ctx, groupId, userId) => changed(addMember(ctx, { db, audit }, groupScopeOf(callerOf(ctx)), groupId, userId), userId),
    removeUser: (ctx, groupId, userId) => changed(removeMember(ctx, { db, audit }, groupScopeOf(callerOf(ctx)), groupId, userId), userId),
  };
}
