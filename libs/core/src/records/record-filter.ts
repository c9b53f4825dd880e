import type { Expression, SqlBool } from 'kysely';
import { compileExpression, createFilterResolver, RuleCheckError, RuleError, type AstCache, type SqlDialect } from '@snackbase/rules';
import { AppError } from '../errors';
import type { ReadableFields } from './readable-fields';

function invalidFilter(message: string): AppError {
  return new AppError(400, 'invalid_filter', 'Invalid filter expression', message);
}

/** A computed field named in a filter: say why it cannot work instead of "does not exist". */
function computedMessage(e: RuleCheckError, readable: ReadableFields): string | undefined {
  for (const issue of e.issues) {
    const name = issue.code === 'unknown_field' ? /^Field '([^']+)'/.exec(issue.message)?.[1] : undefined;
    if (name && readable.computed.has(name)) {
      return `Computed field '${name}' cannot be used in filters: computed fields are evaluated after the query (at position ${issue.position})`;
    }
  }
  return undefined;
}

/**
 * Compiles a `?filter=` (spec §4.6) over the fields the caller can read, qualified with the
 * table so it stays unambiguous next to joins. Any syntax or check problem is a 400
 * `invalid_filter` carrying the rule library's message (with its position); a field the
 * caller cannot read gets exactly the message of a field that does not exist.
 */
export function compileFilter(
  text: string,
  readable: ReadableFields,
  options: { readonly dialect: SqlDialect; readonly tableAlias: string; readonly cache?: AstCache },
): Expression<SqlBool> {
  const resolver = createFilterResolver({ fields: readable.filterable });
  try {
    return compileExpression(text, { resolver, kind: 'filter', dialect: options.dialect, tableAlias: options.tableAlias, cache: options.cache });
  } catch (e) {
    if (e instanceof RuleCheckError) throw invalidFilter(computedMessage(e, readable) ?? e.message);
    if (e instanceof RuleError) throw invalidFilter(e.message);
    throw e;
  }
}
