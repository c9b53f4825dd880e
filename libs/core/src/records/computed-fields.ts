import {
  analyzeExpression,
  createFilterResolver,
  evaluateValue,
  parseExpression,
  RuleError,
  type Analysis,
  type ExpressionNode,
  type RuleResolver,
  type ValueType,
} from '@snackbase/rules';
import { resolverFields } from '../access';
import type { CollectionField, CollectionModel } from '../collections';

/** A computed field ready to evaluate or to compile; `ast` is null when its stored expression is invalid. */
export interface PreparedComputed {
  readonly field: CollectionField;
  readonly name: string;
  readonly ast: ExpressionNode | null;
  /** The checker's findings for `ast` (its static types feed sorting); null with `ast`. */
  readonly analysis: Analysis | null;
  /** The static type of the value (`null` when the expression is invalid: always NULL). */
  readonly type: ValueType;
  /** It reads a PII field, so a caller who sees PII masked must see it masked too. */
  readonly readsPii: boolean;
}

/** The computed fields of one model and the resolver their expressions were checked with. */
export interface ComputedFields {
  /** Stored fields and system fields: what a computed expression may name (spec §4.12). */
  readonly resolver: RuleResolver;
  readonly fields: readonly PreparedComputed[];
}

const prepared = new WeakMap<CollectionModel, ComputedFields>();

/**
 * The computed fields of a model, parsed and checked once per (immutable) model. They may name
 * the stored fields and the system fields (spec §4.12); an expression that does not parse or
 * check any more (a field was removed) yields NULL, as in the reference.
 */
export function computedFieldsOf(model: CollectionModel): ComputedFields {
  let computed = prepared.get(model);
  if (computed) return computed;
  const resolver = createFilterResolver({ fields: resolverFields(model) });
  const pii = new Set(model.fields.filter((f) => f.pii).map((f) => f.name));
  const fields = model.fields.filter((f) => f.type === 'computed').map((f) => prepare(f, resolver, pii));
  computed = Object.freeze({ resolver, fields: Object.freeze(fields) });
  prepared.set(model, computed);
  return computed;
}

function prepare(field: CollectionField, resolver: RuleResolver, pii: ReadonlySet<string>): PreparedComputed {
  const invalid: PreparedComputed = { field, name: field.name, ast: null, analysis: null, type: 'null', readsPii: false };
  if (!field.expression) return invalid;
  try {
    const ast = parseExpression(field.expression);
    const analysis = analyzeExpression(ast, resolver, { requireCondition: false });
    if (analysis.issues.length > 0) return invalid;
    const readsPii = [...analysis.resolutions.values()].some((r) => r.kind === 'column' && pii.has(r.column));
    return { field, name: field.name, ast, analysis, type: analysis.types.get(ast)?.type ?? 'null', readsPii };
  } catch (e) {
    if (e instanceof RuleError) return invalid;
    throw e;
  }
}

/** Computed fields whose expression reads a PII field: masked (`full`) wherever PII is masked. */
export function piiComputedFields(model: CollectionModel): readonly string[] {
  return computedFieldsOf(model)
    .fields.filter((c) => c.readsPii)
    .map((c) => c.name);
}

/** Whether the model has computed fields at all (lets callers skip the copy). */
export function hasComputedFields(model: CollectionModel): boolean {
  return computedFieldsOf(model).fields.length > 0;
}

/**
 * `row` (API values) plus every computed field, evaluated in memory over the row with the rule
 * language's SQL semantics (spec §4.12). Filters and sorts use the same expressions compiled to
 * SQL instead (`computed-sql.ts`); the rules library's differential specs keep both in step.
 */
export function withComputedFields(model: CollectionModel, row: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const computed = computedFieldsOf(model).fields;
  // Nothing to add: `row` itself (read-only to the caller), not a copy per record.
  if (computed.length === 0) return row;
  const out: Record<string, unknown> = { ...row };
  // One instant for every `now()` of the row, whichever field it is in.
  const now = new Date();
  for (const c of computed) {
    try {
      out[c.name] = c.ast ? evaluateValue(c.ast, { record: row, now }) : null;
    } catch (e) {
      if (e instanceof RuleError) out[c.name] = null;
      else throw e;
    }
  }
  return out;
}
