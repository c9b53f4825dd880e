import type { MacroResponse, MacroTestResponse } from '@snackbase/contract';
import type { Transaction } from 'kysely';
import { nowIso, translateDbError, type GlobalDatabase, type SnackDatabase } from '@snackbase/db';
import type { MacroRegistry } from '@snackbase/rules';
import type { AuditRecorder } from '../audit';
import type { CacheBus } from '../cache-bus';
import type { CollectionCatalog } from '../collections';
import type { RequestContext } from '../context';
import { conflict, forbidden, notFound, unauthorized } from '../errors';
import { assertMacroShape, macrosUsing, rulesUsing, validateMacro, type MacroDraft } from './macro-validation';
import { testMacro, type TestMacroInput } from './macro-test';
import { createRegistryCache } from './registry-cache';
import { allMacros, findMacro, listMacros } from './stored-macros';

/** `POST /macros` body: `sql_query` is the expression, `parameters` its parameter names. */
export interface CreateMacroInput {
  readonly name: string;
  readonly description?: string | null;
  readonly sql_query: string;
  readonly parameters?: readonly string[];
}

/** `PUT /macros/{id}` body: absent keys are kept. */
export type UpdateMacroInput = Partial<CreateMacroInput>;

export const MACROS_DEFAULT_LIMIT = 100;
export const MACROS_MAX_LIMIT = 1000;

/**
 * User-defined macros (spec §5.5 b, §12.2 items 19 and 26 fixed): named, parameterised rule
 * expressions, global, superadmin only (reading included: tenants must not see them). Every
 * write is validated against the other macros and the collection rules that use macros,
 * audited in its transaction (table `macros`), and invalidates every instance's registry.
 */
export interface Macros {
  list(ctx: RequestContext, page?: { skip?: number; limit?: number }): Promise<MacroResponse[]>;
  get(ctx: RequestContext, id: number): Promise<MacroResponse>;
  create(ctx: RequestContext, input: CreateMacroInput): Promise<MacroResponse>;
  update(ctx: RequestContext, id: number, input: UpdateMacroInput): Promise<MacroResponse>;
  /** 409 while a collection rule or another macro calls it. */
  remove(ctx: RequestContext, id: number): Promise<void>;
  /** Expands `@name(parameters…)` and, given a record, evaluates it as a chosen user. */
  test(ctx: RequestContext, id: number, input: TestMacroInput): Promise<MacroTestResponse>;
  /** Built-ins plus every stored macro, cached in-process and dropped on the `macros` topic. */
  registry(): Promise<MacroRegistry>;
}

export interface MacrosDeps {
  readonly db: SnackDatabase;
  readonly audit: AuditRecorder;
  readonly bus: CacheBus;
  readonly catalog: CollectionCatalog;
}

function requireSuperadmin(ctx: RequestContext): string {
  if (ctx.principal.kind !== 'user') throw unauthorized();
  if (!ctx.principal.isSuperadmin) throw forbidden('Superadmin access required');
  return ctx.principal.userId;
}

const macroNotFound = () => notFound('Macro not found');
const duplicateMacro = (name: string) => conflict(`Macro with name '${name}' already exists`, 'unique_violation', { field: 'name' });

/** The audited columns of a macro. */
const auditRow = (m: MacroResponse) => ({ name: m.name, description: m.description, sql_query: m.sql_query, parameters: JSON.stringify(m.parameters) });

/**
 * @example
 * const macros = createMacros({ db, audit, bus, catalog });
 * await macros.create(ctx, { name: 'is_published', sql_query: "status = 'published'" });
 * // a rule may now say: @is_published() && @owns_record()
 */
export function createMacros(deps: MacrosDeps): Macros {
  const { db, audit, bus, catalog } = deps;
  const cache = createRegistryCache({ db, bus });

  /** Validates and stores inside one transaction; the name race ends as a 409. */
  async function save(ctx: RequestContext, draft: MacroDraft, write: (trx: Transaction<GlobalDatabase>, stored: readonly MacroResponse[]) => Promise<number>): Promise<MacroResponse> {
    assertMacroShape(draft);
    try {
      const saved = await db.transaction(async (trx) => {
        const id = await write(trx, await allMacros(trx));
        const row = await findMacro(trx, id);
        if (!row) throw macroNotFound();
        return row;
      });
      bus.invalidate('macros', '*');
      return saved;
    } catch (e) {
      if (translateDbError(e)?.kind === 'unique') throw duplicateMacro(draft.name);
      throw e;
    }
  }

  return {
    async list(ctx, page = {}) {
      requireSuperadmin(ctx);
      const limit = Math.min(Math.max(page.limit ?? MACROS_DEFAULT_LIMIT, 0), MACROS_MAX_LIMIT);
      return listMacros(db.kysely, Math.max(page.skip ?? 0, 0), limit);
    },

    async get(ctx, id) {
      requireSuperadmin(ctx);
      const macro = await findMacro(db.kysely, id);
      if (!macro) throw macroNotFound();
      return macro;
    },

    async create(ctx, input) {
      const userId = requireSuperadmin(ctx);
      const draft: MacroDraft = { name: input.name, description: input.description ?? null, body: input.sql_query, params: input.parameters ?? [] };
      // Read before the transaction: SQLite has one connection and the catalog reads through it.
      const models = await catalog.all();
      return save(ctx, draft, async (trx, stored) => {
        if (stored.some((m) => m.name === draft.name)) throw duplicateMacro(draft.name);
        validateMacro(draft, stored, null, models);
        const now = nowIso();
        const row = { name: draft.name, description: draft.description, sql_query: draft.body, parameters: JSON.stringify(draft.params), created_by: userId, created_at: now, updated_at: now };
        const inserted = await trx.insertInto('macros').values(row).returning('id').executeTakeFirstOrThrow();
        const id = Number(inserted.id);
        await audit.record(trx, ctx, { operation: 'CREATE', table: 'macros', recordId: id, accountId: null, after: { id, ...row } });
        return id;
      });
    },

    async update(ctx, id, input) {
      requireSuperadmin(ctx);
      const current = await findMacro(db.kysely, id);
      if (!current) throw macroNotFound();
      const draft: MacroDraft = {
        name: input.name ?? current.name,
        description: input.description === undefined ? current.description : input.description,
        body: input.sql_query ?? current.sql_query,
        params: input.parameters ?? current.parameters,
      };
      // Read before the transaction: SQLite has one connection and the catalog reads through it.
      const models = await catalog.all();
      return save(ctx, draft, async (trx, stored) => {
        const before = stored.find((m) => m.id === id);
        if (!before) throw macroNotFound();
        if (stored.some((m) => m.name === draft.name && m.id !== id)) throw duplicateMacro(draft.name);
        validateMacro(draft, stored, id, models);
        const after = { name: draft.name, description: draft.description, sql_query: draft.body, parameters: JSON.stringify(draft.params), updated_at: nowIso() };
        await trx.updateTable('macros').set(after).where('id', '=', id).execute();
        await audit.record(trx, ctx, { operation: 'UPDATE', table: 'macros', recordId: id, accountId: null, before: auditRow(before), after });
        return id;
      });
    },

    async remove(ctx, id) {
      requireSuperadmin(ctx);
      const models = await catalog.all();
      await db.transaction(async (trx) => {
        const stored = await allMacros(trx);
        const macro = stored.find((m) => m.id === id);
        if (!macro) throw macroNotFound();
        const rules = rulesUsing(models, macro.name);
        if (rules > 0) throw conflict(`Cannot delete macro '${macro.name}': it is used in ${rules} collection rule(s)`);
        const callers = macrosUsing(stored, macro.name);
        if (callers.length > 0) throw conflict(`Cannot delete macro '${macro.name}': it is used by macro(s) ${callers.map((n) => `@${n}`).join(', ')}`);
        await trx.deleteFrom('macros').where('id', '=', id).execute();
        await audit.record(trx, ctx, { operation: 'DELETE', table: 'macros', recordId: id, accountId: null, before: auditRow(macro) });
      });
      bus.invalidate('macros', '*');
    },

    async test(ctx, id, input) {
      requireSuperadmin(ctx);
      const macro = await findMacro(db.kysely, id);
      if (!macro) throw macroNotFound();
      return testMacro({ db, catalog }, await cache.get(), macro, input);
    },

    registry: () => cache.get(),
  };
}
