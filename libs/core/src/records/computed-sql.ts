import type { Expression } from 'kysely';
import { analyzeExpression, compileExpression, type ExpressionField, type ExpressionNode, type SqlDialect, type ValueType } from '@snackbase/rules';
import type { CollectionModel, ComputedReturnType } from '../collections';
import { computedFieldsOf } from './computed-fields';

/** A computed field compiled to SQL: its value over the row's own columns. */
export interface ComputedSql {
  readonly sql: Expression<unknown>;
  /** The static type of the value (`null`: an invalid stored expression, always NULL). */
  readonly type: ValueType;
  readonly returnType: ComputedReturnType | null;
}

/** What an invalid stored expression stands for: NULL, as it reads in memory (spec §4.12). */
const NULL_LITERAL: ExpressionNode = Object.freeze({ kind: 'literal', value: null, position: 0 });

interface ModelSql {
  readonly fields: ReadonlyMap<string, ExpressionField>;
  readonly values: Map<string, ComputedSql>;
}

const cache = new WeakMap<CollectionModel, ModelSql>();

function modelSql(model: CollectionModel): ModelSql {
  let entry = cache.get(model);
  if (!entry) {
    const { resolver, fields } = computedFieldsOf(model);
    // Bodies resolve against every stored field, not just those the caller may name: a computed
    // value the caller can read reveals nothing more when filtered on (the caller decides which
    // computed names are allowed at all, see readableFields).
    const expressionFields = fields.map((c) => [c.name, { name: c.name, expression: c.ast ?? NULL_LITERAL, resolver }] as const);
    entry = { fields: new Map(expressionFields), values: new Map() };
    cache.set(model, entry);
  }
  return entry;
}

/**
 * The `expressionFields` of a filter resolver for the computed fields in `names` (the ones the
 * caller may filter on): each is inlined as its expression wherever the filter names it.
 */
export function computedFilterFields(model: CollectionModel, names: ReadonlySet<string>): ExpressionField[] {
  const fields = modelSql(model).fields;
  return [...names].flatMap((name) => fields.get(name) ?? []);
}

/**
 * The SQL value of computed field `name` for an ORDER BY term or a keyset comparison, columns
 * qualified with the model's table; undefined when `name` is not a computed field. Compiled once
 * per model and dialect.
 */
export function computedValueSql(model: CollectionModel, name: string, dialect: SqlDialect): ComputedSql | undefined {
  const entry = modelSql(model);
  const key = `${dialect}:${name}`;
  const cached = entry.values.get(key);
  if (cached) return cached;
  const prepared = computedFieldsOf(model).fields.find((c) => c.name === name);
  if (!prepared) return undefined;
  const { resolver } = computedFieldsOf(model);
  const ast = prepared.ast ?? NULL_LITERAL;
  const analysis = prepared.analysis ?? analyzeExpression(ast, resolver, { requireCondition: false });
  const sql = compileExpression({ ast, analysis }, { resolver, kind: 'filter', dialect, tableAlias: model.tableName });
  const value: ComputedSql = { sql, type: prepared.type, returnType: prepared.field.return_type };
  entry.values.set(key, value);
  return value;
}
