import type { Expression, SqlBool } from 'kysely';
import {
  createRuleResolver,
  matches,
  prepareExpression,
  compileExpression,
  RuleError,
  type AstCache,
  type AuthContext,
  type MacroRegistry,
  type PreparedExpression,
  type SqlDialect,
} from '@snackbase/rules';
import type { RequestContext } from '../context';
import { AppError, forbidden, unauthorized } from '../errors';
import { ruleOf, type CollectionModel, type RuleOperation } from '../collections';
import type { CallerGroups } from './caller-groups';
import { resolverFields } from './resolver-fields';

/** What {@link createRuleGates} needs. */
export interface RuleGateDeps {
  readonly dialect: SqlDialect;
  readonly groups: CallerGroups;
  /** The macro registry (built-ins plus the stored user macros), cached by its owner. */
  readonly macros: () => Promise<MacroRegistry>;
  readonly astCache: AstCache;
}

/**
 * How one operation's rule lets a caller through (spec §5.1, §5.4):
 * - `all`: no row condition (superadmin, or a public `""` rule);
 * - `where`: only rows matching `where` (the compiled expression); `prepared` evaluates the same
 *   rule in memory against a candidate row (create).
 * A locked rule (`null`) throws 403 for everyone but superadmins; an expression rule throws 401
 * for anonymous callers. So a gate that returns never widens access.
 */
export type RuleGate =
  | { readonly kind: 'all'; readonly reason: 'superadmin' | 'public' }
  | { readonly kind: 'where'; readonly where: Expression<SqlBool>; readonly prepared: PreparedExpression; readonly auth: AuthContext; readonly rule: string };

/** The caller as rules see it, groups included. */
export interface RuleCaller {
  readonly auth: AuthContext | null;
  readonly isSuperadmin: boolean;
  readonly groups: readonly string[];
}

export interface RuleGates {
  /** The caller's rule identity (loads their groups once per request; cached per user). */
  callerOf(ctx: RequestContext): Promise<RuleCaller>;
  /**
   * The gate of `op` on `model` for `caller`. `data` is the request body for create and update
   * rules (`@request.data.*`); `tableAlias` qualifies columns.
   * @throws AppError 403 (locked), 401 (anonymous on an expression rule), 400 (a stored rule that no
   *   longer compiles, e.g. after a field was removed).
   */
  gate(
    caller: RuleCaller,
    model: CollectionModel,
    op: RuleOperation,
    options?: { readonly data?: Readonly<Record<string, unknown>>; readonly tableAlias?: string },
  ): Promise<RuleGate>;
  /** Whether `row` (a candidate record) satisfies a `where` gate, evaluated in memory. */
  admits(gate: RuleGate, row: Readonly<Record<string, unknown>>, data?: Readonly<Record<string, unknown>>): boolean;
}

export function createRuleGates(deps: RuleGateDeps): RuleGates {
  return {
    async callerOf(ctx) {
      const p = ctx.principal;
      if (p.kind !== 'user') return { auth: null, isSuperadmin: false, groups: [] };
      const groups = p.isSuperadmin ? [] : await deps.groups.of(p.accountId, p.userId);
      return {
        auth: Object.freeze({ id: p.userId, email: p.email, role: p.role, account_id: p.accountId, groups }),
        isSuperadmin: p.isSuperadmin,
        groups,
      };
    },

    async gate(caller, model, op, options = {}) {
      if (caller.isSuperadmin) return { kind: 'all', reason: 'superadmin' };
      const rule = ruleOf(model.rules, op);
      if (rule === null) throw lockedError(op);
      if (rule.trim() === '') return { kind: 'all', reason: 'public' };
      if (!caller.auth) throw unauthorized('Authentication required to access this resource');
      const needsData = op === 'create' || op === 'update';
      const resolver = createRuleResolver({
        fields: resolverFields(model),
        auth: caller.auth,
        data: needsData ? (options.data ?? {}) : undefined,
      });
      try {
        const macros = await deps.macros();
        const prepared = prepareExpression(rule, { resolver, kind: 'rule', macros, cache: deps.astCache });
        const where = compileExpression(prepared, { resolver, kind: 'rule', macros, dialect: deps.dialect, tableAlias: options.tableAlias });
        return { kind: 'where', where, prepared, auth: caller.auth, rule };
      } catch (e) {
        if (e instanceof RuleError) throw brokenRuleError(model.name, op, e);
        throw e;
      }
    },

    admits(gate, row, data) {
      if (gate.kind === 'all') return true;
      return matches(gate.prepared.ast, { record: row, auth: gate.auth, data: data ?? null });
    },
  };
}

/** 403 of a locked operation, with the reference's message. */
export function lockedError(op: RuleOperation): AppError {
  return forbidden(`Access denied: ${op} is locked for this collection`);
}

function brokenRuleError(collection: string, op: RuleOperation, e: RuleError): AppError {
  // The stored rule no longer fits the collection (a field was removed or renamed). Fail closed
  // with a message the superadmin can act on; never a 500 and never an open door.
  return new AppError(400, 'invalid_rule', 'Invalid rule', `The ${op} rule of collection '${collection}' is invalid: ${e.message}`);
}
