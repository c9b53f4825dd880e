import type { SnackDatabase } from '@snackbase/db';
import { accountScope, dynamicTenantInsert } from '@snackbase/tenancy';
import type { Audit, AuditChange } from '../audit';
import type { RequestContext } from '../context';
import type { Row } from './write-support';

/** One record create that may share its INSERT with others (see {@link createGroupedCreates}). */
export interface GroupableCreate {
  readonly ctx: RequestContext;
  readonly table: string;
  readonly accountId: string;
  /** The row as stored, without `account_id` (stamped from the account's scope). */
  readonly stored: Row;
  readonly change: AuditChange;
}

interface Member extends GroupableCreate {
  resolve(): void;
  reject(error: unknown): void;
}

/** PostgreSQL's limit on bound parameters per statement is 65,535; stay well under it. */
const MAX_PARAMETERS = 30_000;
const MAX_ROWS = 500;

/**
 * Whether a failure of a shared statement may come from one of its rows, so that retrying each
 * row alone gives each create its own answer: data exceptions and constraint violations
 * (SQLSTATE classes 22, 23), lost races (40), and errors raised before the statement was sent
 * (no code). Anything else (the connection dropped, the database is down) is answered to every
 * create alike: retried alone a lost connection could even meet the rows it had committed.
 */
function rowSpecific(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === undefined) return true;
  return typeof code === 'string' && /^(22|23|40)[0-9A-Z]{3}$/.test(code);
}

/**
 * PostgreSQL: single-record creates of one collection that arrive in the same turn of the
 * event loop become one `INSERT … VALUES (…), (…)` carrying every row's audit entries in its
 * staging CTE (see `audit.inStatement`). Each create was a statement of its own, and under load
 * the server's CPU went to sending statements and reading their answers more than to anything
 * in them. Each create still gets its own answer: when the shared statement fails because of a
 * row (one breaks a unique index, say) nothing of it was written, and every row is retried
 * alone, so only the offending create fails, with its own error. Creates group only with the
 * same columns in the same order (rows of one collection are built alike), at most 500 rows or
 * 30,000 parameters per statement. Answered once written, as alone (chaining starts then).
 */
export function createGroupedCreates(deps: { readonly db: SnackDatabase; readonly audit: Pick<Audit, 'inStatement'> }) {
  const { db, audit } = deps;
  const waiting = new Map<string, Member[]>();
  let scheduled = false;

  /** One statement for `members` (same table, same columns); rejects as the statement does. */
  async function insert(members: readonly Member[]): Promise<void> {
    const staged = audit.inStatement(
      db.kysely,
      members.map(({ ctx, change }) => ({ ctx, change })),
    );
    if (!staged) throw new Error(`creates of ${members[0]?.table} cannot be written in one statement`);
    const rows = members.map(({ accountId, stored }) => ({ scope: accountScope(accountId), values: stored }));
    await dynamicTenantInsert(staged.creator, members[0]?.table ?? '', rows).execute();
    await staged.written();
  }

  async function alone(member: Member): Promise<void> {
    try {
      await insert([member]);
      member.resolve();
    } catch (error) {
      member.reject(error);
    }
  }

  async function together(members: Member[]): Promise<void> {
    if (members.length === 1) return alone(members[0] as Member);
    try {
      await insert(members);
    } catch (error) {
      if (!rowSpecific(error)) {
        for (const member of members) member.reject(error);
        return;
      }
      await Promise.all(members.map(alone));
      return;
    }
    for (const member of members) member.resolve();
  }

  function flush(): void {
    scheduled = false;
    const groups = [...waiting.values()];
    waiting.clear();
    for (const group of groups) {
      const perStatement = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMETERS / (Object.keys(group[0]?.stored ?? {}).length + 1))));
      for (let i = 0; i < group.length; i += perStatement) void together(group.slice(i, i + perStatement));
    }
  }

  return {
    /**
     * Writes `create` with the others that arrive before the next turn of the event loop;
     * resolves once its row and audit entries are written, rejects with its own error.
     */
    add(create: GroupableCreate): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        // Rows of one statement need the same columns (an omitted column takes its default).
        const key = `${create.table}\u0000${Object.keys(create.stored).join('\u0000')}`;
        let group = waiting.get(key);
        if (!group) waiting.set(key, (group = []));
        group.push({ ...create, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}

/** The grouped creates of the records module. */
export type GroupedCreates = ReturnType<typeof createGroupedCreates>;
