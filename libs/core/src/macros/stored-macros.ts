import type { Kysely } from 'kysely';
import type { MacroResponse } from '@snackbase/contract';
import { fromDbJson, type GlobalDatabase } from '@snackbase/db';
import { createMacroRegistry, defineMacro, RuleError, type MacroRegistry, type UserMacro } from '@snackbase/rules';

/** The database handle or a transaction (both are a Kysely). */
export type Executor = Kysely<GlobalDatabase>;

const COLUMNS = ['id', 'name', 'description', 'sql_query', 'parameters', 'created_at', 'updated_at', 'created_by'] as const;

/** A `macros` row as the API answers it (the reference's MacroResponse). */
export function toMacroResponse(row: {
  id: number;
  name: string;
  description: string | null;
  sql_query: string;
  parameters: unknown;
  created_at: string;
  updated_at: string;
  created_by: string | null;
}): MacroResponse {
  const params = fromDbJson<unknown>(row.parameters, []);
  return {
    id: Number(row.id),
    name: row.name,
    description: row.description,
    sql_query: row.sql_query,
    parameters: Array.isArray(params) ? params.filter((p): p is string => typeof p === 'string') : [],
    created_at: String(row.created_at),
    updated_at: String(row.updated_at),
    created_by: row.created_by,
  };
}

export async function findMacro(db: Executor, id: number): Promise<MacroResponse | undefined> {
  const row = await db.selectFrom('macros').select([...COLUMNS]).where('id', '=', id).executeTakeFirst();
  return row ? toMacroResponse(row) : undefined;
}

export async function listMacros(db: Executor, skip: number, limit: number): Promise<MacroResponse[]> {
  const rows = await db.selectFrom('macros').select([...COLUMNS]).orderBy('id').offset(skip).limit(limit).execute();
  return rows.map(toMacroResponse);
}

export async function allMacros(db: Executor): Promise<MacroResponse[]> {
  const rows = await db.selectFrom('macros').select([...COLUMNS]).orderBy('id').execute();
  return rows.map(toMacroResponse);
}

/** A stored macro as the rules library defines it. @throws {RuleCheckError} for a broken row. */
export function userMacroOf(macro: MacroResponse): UserMacro {
  return defineMacro({ name: macro.name, params: macro.parameters, body: macro.sql_query, ...(macro.description ? { description: macro.description } : {}) });
}

/**
 * The built-ins plus every stored macro that still validates. Macros may call each other in any
 * id order, so definition repeats until no more can be added; what is left (a row edited
 * outside the API, or one whose callee is gone) is reported through `skipped` and left out:
 * a rule that uses it then fails closed as an unknown macro.
 */
export function buildRegistry(stored: readonly MacroResponse[], skipped: (name: string, reason: string) => void = () => undefined): MacroRegistry {
  let registry = createMacroRegistry();
  let pending: { macro: MacroResponse; user?: UserMacro; reason: string }[] = stored.map((macro) => ({ macro, reason: '' }));
  for (const item of pending) {
    try {
      item.user = userMacroOf(item.macro);
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      item.reason = e.message;
    }
  }
  let progress = true;
  while (progress) {
    progress = false;
    const next: typeof pending = [];
    for (const item of pending) {
      if (item.user && registry.validate(item.user).length === 0) {
        registry = registry.define(item.user);
        progress = true;
      } else {
        if (item.user) item.reason = registry.validate(item.user)[0]?.message ?? 'invalid';
        next.push(item);
      }
    }
    pending = next;
  }
  for (const item of pending) skipped(item.macro.name, item.reason);
  return registry;
}
