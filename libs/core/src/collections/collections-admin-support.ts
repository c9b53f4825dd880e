import type { Kysely } from 'kysely';
import type { ErrorDetail } from '@snackbase/contract';
import type { GlobalDatabase, SnackDatabase } from '@snackbase/db';
import type { MacroRegistry } from '@snackbase/rules';
import type { AuditRecorder } from '../audit';
import type { CacheBus } from '../cache-bus';
import { AppError, validationFailed } from '../errors';
import type { AppHooks } from '../events';
import type { CollectionCatalog } from './collection-catalog';
import { collectionByName, type StoredCollection } from './collection-reads';
import type { CollectionField, CollectionRules } from './collection-model';
import { problemSummary } from './collection-validation';
import { rulesProblems } from './rules-check';

/** What the collections module needs; built once in `createCore`. */
export interface CollectionsDeps {
  readonly db: SnackDatabase;
  readonly catalog: CollectionCatalog;
  readonly audit: AuditRecorder;
  readonly hooks: AppHooks;
  /** Unused today; kept so the module can grow settings without a new signature. */
  readonly config?: unknown;
  /** The macros rules may use (default: the built-ins). */
  readonly macros?: () => Promise<MacroRegistry>;
  /** Tells every instance to drop cached webhooks and API hooks a collection delete removed. */
  readonly bus?: CacheBus;
}

/** 400 `validation_failed` with the reference's `; `-joined message (spec §3.4). */
export function schemaInvalid(prefix: string, problems: readonly ErrorDetail[]): AppError {
  return validationFailed(problems, problemSummary(prefix, problems));
}

/** 400 `invalid_rule` listing every problem of the rules (spec §5.6, checked on create as well). */
export function invalidRules(problems: readonly ErrorDetail[]): AppError {
  const first = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return new AppError(400, 'invalid_rule', 'Validation error', `Invalid ${first?.field ?? 'rule'}: ${first?.message ?? 'invalid'}${more}`, problems);
}

/** A macro call (`@name`) other than the `@request.*` variables. */
const MACRO_USE = /@(?!request\.)[A-Za-z_]/;

/**
 * The macro registry, loaded only when a rule uses a macro: loading it may read the database,
 * which a caller's SQLite transaction (an import) would block. Rules without macros need none.
 */
export async function macrosFor(deps: CollectionsDeps, rules: CollectionRules): Promise<MacroRegistry | undefined> {
  const texts = [rules.list_rule, rules.view_rule, rules.create_rule, rules.update_rule, rules.delete_rule];
  if (!deps.macros || !texts.some((t) => t !== null && MACRO_USE.test(t))) return undefined;
  return deps.macros();
}

/** Throws 400 `invalid_rule` when `rules` (only `keys` of them, when given) do not fit `fields`. */
export async function checkRules(deps: CollectionsDeps, rules: CollectionRules, fields: readonly CollectionField[], keys?: ReadonlySet<string>): Promise<void> {
  const macros = await macrosFor(deps, rules);
  const problems = rulesProblems(rules, fields, macros).filter((p) => !keys || keys.has(p.field ?? ''));
  if (problems.length > 0) throw invalidRules(problems);
}

/**
 * Reference targets must exist when the field is defined (spec §12.3 item 31 fixed); a
 * collection may reference itself (`selfName`).
 */
export async function missingTargets(db: Kysely<GlobalDatabase>, fields: readonly CollectionField[], selfName: string): Promise<ErrorDetail[]> {
  const out: ErrorDetail[] = [];
  for (const [i, f] of fields.entries()) {
    if (f.type !== 'reference' || !f.collection || f.collection.toLowerCase() === selfName.toLowerCase()) continue;
    if (!(await collectionByName(db, f.collection))) {
      out.push({ field: `schema[${i}].collection`, message: `Collection '${f.collection}' does not exist`, code: 'reference_collection_not_found' });
    }
  }
  return out;
}

/** A collection row as the audit log records it. */
export function auditedCollection(c: StoredCollection): Record<string, unknown> {
  return { id: c.id, name: c.name, schema: JSON.stringify(c.fields), migration_revision: c.migration_revision, created_at: c.created_at, updated_at: c.updated_at };
}

/** The after-commit work of a collection write: every instance forgets its definitions, then hooks. */
export function afterCommit(deps: CollectionsDeps, hook: () => Promise<unknown>): () => Promise<void> {
  return async () => {
    deps.catalog.invalidate();
    await hook();
  };
}
