/**
 * Parse + compile benchmark for @snackbase/rules.
 * Run: node -r @swc-node/register libs/rules/bench/parse-compile.bench.ts  (or `nx run rules:bench`)
 */
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import {
  compileExpression,
  createAstCache,
  createFilterResolver,
  createRuleResolver,
  parseExpression,
  type CompileOptions,
  type FieldDefinition,
} from '../src/index';

const fields: FieldDefinition[] = [
  { name: 'title', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'price', type: 'number' },
  { name: 'qty', type: 'number' },
  { name: 'published', type: 'boolean' },
  { name: 'owner', type: 'reference' },
  { name: 'starts_at', type: 'datetime' },
];

const RULE = "status = 'published' || (@owns_record() && @has_role('editor')) || @has_group('staff')";
const clauses = [
  "title ~ 'report'",
  "status IN ('a', 'b', 'c', 'd')",
  'price * qty >= 100',
  'price / 2 % 3 < 1.5',
  "starts_at > '2024-01-01T00:00:00Z'",
  'published = true',
  "owner != 'u42'",
  'lower(title) = upper(status)',
  'coalesce(price, 0) > -5',
  'qty IS NOT NULL',
];
const FILTER = Array.from({ length: 24 }, (_, i) => `(${clauses[i % clauses.length]} || ${clauses[(i + 3) % clauses.length]})`).join(' && ');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const pg = new Kysely<any>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

function bench(name: string, fn: () => unknown): void {
  for (let i = 0; i < 200; i++) fn();
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < 1000) {
    for (let i = 0; i < 50; i++) fn();
    ops += 50;
    elapsed = performance.now() - start;
  }
  const perOp = (elapsed * 1000) / ops;
  console.log(`${name.padEnd(52)} ${Math.round((ops / elapsed) * 1000).toLocaleString('en-US').padStart(10)} ops/s ${perOp.toFixed(2).padStart(9)} µs/op`);
}

function run(label: string, text: string, options: CompileOptions): void {
  const cache = createAstCache();
  console.log(`\n${label}: ${text.length} chars, ${countNodes(text)} nodes`);
  bench('parse only', () => parseExpression(text));
  bench('parse + check + compile (no cache)', () => compileExpression(text, options));
  bench('parse + check + compile (AST cache)', () => compileExpression(text, { ...options, cache }));
  bench('… + Kysely SQL text, PostgreSQL (no cache)', () => pg.selectFrom('t').selectAll().where(compileExpression(text, options)).compile());
  bench('… + Kysely SQL text, PostgreSQL (AST cache)', () =>
    pg.selectFrom('t').selectAll().where(compileExpression(text, { ...options, cache })).compile(),
  );
}

function countNodes(text: string): number {
  let n = 0;
  const visit = (node: object): void => {
    n++;
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object') visit(value);
    }
  };
  visit(parseExpression(text));
  return n;
}

const auth = { id: 'u1', role: 'editor', groups: ['staff'] };
run('Typical rule', RULE, { resolver: createRuleResolver({ fields, auth }), kind: 'rule', dialect: 'postgres' });
run('Large filter', FILTER, { resolver: createFilterResolver({ fields }), kind: 'filter', dialect: 'postgres' });
