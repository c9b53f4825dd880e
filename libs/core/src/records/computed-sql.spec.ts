import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type Expression,
  type SqlBool,
} from 'kysely';
import type { RuleCaller } from '../access';
import { LOCKED_RULES, normalizeStoredField, type CollectionModel } from '../collections';
import { readableFields } from './readable-fields';
import { compileFilter } from './record-filter';
import { computedKind, orderTerms, parseSort } from './record-sort';

// Computed fields in filters and sorts, below HTTP (computed-filter-sort.spec.ts in server runs
// them on both databases): what is inlined, what stays hidden, which kind a value sorts as.
const model: CollectionModel = {
  id: 'c1',
  name: 'orders',
  tableName: 'col_orders',
  fields: [
    { name: 'price', type: 'number' },
    { name: 'qty', type: 'number' },
    { name: 'email', type: 'email', pii: true, mask_type: 'email' },
    { name: 'secret', type: 'number' },
    { name: 'data', type: 'json' },
    { name: 'total', type: 'computed', expression: 'price * qty', return_type: 'number' },
    { name: 'margin', type: 'computed', expression: 'price - secret', return_type: 'number' },
    { name: 'shout', type: 'computed', expression: 'upper(email)', return_type: 'text' },
    { name: 'stale', type: 'computed', expression: 'missing + 1', return_type: 'datetime' },
    { name: 'meta', type: 'computed', expression: 'coalesce(price, qty) > 1', return_type: 'text' },
    { name: 'hidden', type: 'computed', expression: 'qty + 1', return_type: 'number' },
    { name: 'raw', type: 'computed', expression: 'data', return_type: 'text' },
  ].map(normalizeStoredField),
  rules: { ...LOCKED_RULES, list_fields: JSON.stringify(['price', 'qty', 'email', 'total', 'margin', 'shout', 'stale', 'meta', 'raw']) },
  migrationRevision: null,
  createdAt: '',
  updatedAt: '',
};
const user: RuleCaller = { auth: { id: 'u1', role: 'user', account_id: 'a1' }, isSuperadmin: false, groups: [] };
const piiReader: RuleCaller = { ...user, groups: ['pii_access'] };

// Compile-only instances (no database): tables are untyped here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const sqlite = new Kysely<any>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const postgres = new Kysely<any>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
const where = (condition: Expression<SqlBool>) => sqlite.selectFrom('col_orders').selectAll().where(condition).compile().sql.replace('select * from "col_orders" where ', '');
const filter = (text: string, caller = user) => where(compileFilter(text, model, readableFields(model, caller, 'list'), { dialect: 'sqlite', tableAlias: 'col_orders' }));

describe('computed fields in filters', () => {
  it.each([
    ['total > 10', '("col_orders"."price" * "col_orders"."qty") > ?'],
    // Its expression may read a field outside the list: the caller sees the value anyway.
    ['margin < 0', '("col_orders"."price" - "col_orders"."secret") < ?'],
    ['stale IS NULL', '? is null'],
    ['meta = true', '(coalesce("col_orders"."price", "col_orders"."qty") > ?) = ?'],
  ])('%s → %s', (text, expected) => {
    expect(filter(text)).toBe(expected);
  });

  it.each(['hidden > 1', 'shout ~ \'A\'', 'secret > 1'])('%s is refused like an unknown field', (text) => {
    const name = text.split(' ')[0];
    const message = (t: string) => {
      try {
        filter(t);
      } catch (e) {
        return { ...(e as object), message: (e as Error).message.replace(`'${t.split(' ')[0]}'`, "'?'") };
      }
      return undefined;
    };
    expect(message(text)).toEqual(message(text.replace(name, 'nosuch')));
    expect(message(text)).toMatchObject({ status: 400, code: 'invalid_filter' });
  });

  it('lets a caller who sees PII filter on a computed field over PII', () => {
    expect(filter("shout = 'A'", piiReader)).toBe('upper("col_orders"."email") = ?');
  });
});

describe('computed fields in sorts', () => {
  const sort = (text: string, caller = user, dialect: 'sqlite' | 'postgres' = 'sqlite') => parseSort(text, model, readableFields(model, caller, 'list'), dialect);
  const orderBy = (text: string, dialect: 'sqlite' | 'postgres', caller = user) => {
    const spec = sort(text, caller, dialect);
    const qb = orderTerms(dialect, 'col_orders', spec, spec.direction).reduce((q, t) => q.orderBy(t), (dialect === 'sqlite' ? sqlite : postgres).selectFrom('col_orders').select('id'));
    return qb.compile().sql.replace('select "id" from "col_orders" order by ', '');
  };

  it('orders by the expression in parentheses, text in code-point order on PostgreSQL', () => {
    expect(orderBy('-total', 'sqlite')).toBe('("col_orders"."price" * "col_orders"."qty") desc nulls last, "col_orders"."id" desc');
    expect(orderBy('shout', 'postgres', piiReader)).toBe(
      '(translate("col_orders"."email", \'abcdefghijklmnopqrstuvwxyz\', \'ABCDEFGHIJKLMNOPQRSTUVWXYZ\')) collate "C" asc nulls first, "col_orders"."id" asc',
    );
  });

  it('takes the kind from the expression, not the informational return_type', () => {
    expect(sort('-total')).toMatchObject({ field: 'total', direction: 'desc', kind: 'number' });
    expect(sort('meta')).toMatchObject({ kind: 'boolean' });
    expect(sort('stale')).toMatchObject({ kind: 'timestamp' });
  });

  it('refuses a json value (it does not order)', () => {
    expect(() => sort('raw')).toThrow(expect.objectContaining({ status: 400, code: 'invalid_sort', message: "Cannot sort by computed field 'raw': its value is json" }));
  });

  it.each(['hidden', 'shout', 'nosuch'])('refuses %s as an unknown field', (name) => {
    expect(() => sort(name)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_sort', message: `Cannot sort by '${name}': field does not exist in collection` }));
  });

  it.each([
    ['number', 'text', 'number'],
    ['text', 'number', 'text'],
    ['date', 'text', 'text'],
    ['datetime', 'text', 'timestamp'],
    ['boolean', 'text', 'boolean'],
    ['null', 'datetime', 'timestamp'],
    ['null', 'number', 'number'],
    ['json', 'text', undefined],
  ] as const)('a %s value (return_type %s) sorts as %s', (type, returnType, kind) => {
    expect(computedKind({ type, returnType })).toBe(kind);
  });
});
