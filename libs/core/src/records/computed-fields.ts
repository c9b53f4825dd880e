import {
  analyzeExpression,
  createFilterResolver,
  evaluateValue,
  parseExpression,
  RuleError,
  type ExpressionNode,
} from '@snackbase/rules';
import { resolverFields } from '../access';
import type { CollectionModel } from '../collections';

/** A computed field ready to evaluate; `ast` is null when its stored expression is invalid. */
interface PreparedComputed {
  readonly name: string;
  readonly ast: ExpressionNode | null;
  /** It reads a PII field, so a caller who sees PII masked must see it masked too. */
  readonly readsPii: boolean;
}

const prepared = new WeakMap<CollectionModel, readonly PreparedComputed[]>();

/**
 * The computed fields of a model, parsed and checked once per (immutable) model. They may name
 * the stored fields and the system fields (spec §4.12); an expression that does not parse or
 * check any more (a field was removed) yields NULL, as in the reference.
 */
function computedOf(model: CollectionModel): readonly PreparedComputed[] {
  let list = prepared.get(model);
  if (list) return list;
  const resolver = createFilterResolver({ fields: resolverFields(model) });
  const pii = new Set(model.fields.filter((f) => f.pii).map((f) => f.name));
  list = model.fields
    .filter((f) => f.type === 'computed')
    .map((f) => {
      if (!f.expression) return { name: f.name, ast: null, readsPii: false };
      try {
        const ast = parseExpression(f.expression);
        const analysis = analyzeExpression(ast, resolver, { requireCondition: false });
        const readsPii = [...analysis.resolutions.values()].some((r) => r.kind === 'column' && pii.has(r.column));
        return { name: f.name, ast: analysis.issues.length === 0 ? ast : null, readsPii };
      } catch (e) {
        if (e instanceof RuleError) return { name: f.name, ast: null, readsPii: false };
        throw e;
      }
    });
  prepared.set(model, Object.freeze(list));
  return list;
}

/** Computed fields whose expression reads a PII field: masked (`full`) wherever PII is masked. */
export function piiComputedFields(model: CollectionModel): readonly string[] {
  return computedOf(model)
    .filter((c) => c.readsPii)
    .map((c) => c.name);
}

/** Whether the model has computed fields at all (lets callers skip the copy). */
export function hasComputedFields(model: CollectionModel): boolean {
  return computedOf(model).length > 0;
}

/**
 * `row` (API values) plus every computed field, evaluated in memory over the row with the rule
 * language's SQL semantics (spec §4.12). Computed fields are evaluated on read only: they have no
 * column, so they cannot be filtered, sorted or aggregated (their functions can, in a filter).
 */
export function withComputedFields(model: CollectionModel, row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const computed = computedOf(model);
  if (computed.length === 0) return { ...row };
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
