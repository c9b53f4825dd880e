import type { Expression, SqlBool } from 'kysely';
import { compileExpression, createFilterResolver, RuleError, type AstCache, type SqlDialect } from '@snackbase/rules';
import type { CollectionModel } from '../collections';
import { AppError } from '../errors';
import { computedFilterFields } from './computed-sql';
import type { ReadableFields } from './readable-fields';

function invalidFilter(message: string): AppError {
  return new AppError(400, 'invalid_filter', 'Invalid filter expression', message);
}

/**
 * Compiles a `?filter=` (spec §4.6) over the fields the caller can read, qualified with the
 * table so it stays unambiguous next to joins. A readable computed field is replaced by its
 * expression's SQL (spec §4.6: "computed fields are replaced by their SQL expression"), so it
 * matches exactly the rows whose computed value satisfies the filter; an invalid stored
 * expression is NULL there too. Any syntax or check problem is a 400 `invalid_filter` carrying
 * the rule library's message (with its position); a field the caller cannot read (hidden, or
 * masked PII — computed fields over PII included) gets exactly the message of a field that does
 * not exist.
 */
export function compileFilter(
  text: string,
  model: CollectionModel,
  readable: ReadableFields,
  options: { readonly dialect: SqlDialect; readonly tableAlias: string; readonly cache?: AstCache },
): Expression<SqlBool> {
  // Collections without readable computed fields keep the plain resolver (no extra work).
  const expressionFields = readable.computed.size > 0 ? computedFilterFields(model, readable.computed) : undefined;
  const resolver = createFilterResolver({ fields: readable.filterable, expressionFields });
  try {
    return compileExpression(text, { resolver, kind: 'filter', dialect: options.dialect, tableAlias: options.tableAlias, cache: options.cache });
  } catch (e) {
    if (e instanceof RuleError) throw invalidFilter(e.message);
    throw e;
  }
}
