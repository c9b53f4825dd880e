import fc from 'fast-check';

/** Quotes a string as a single-quoted expression literal. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const TEXTS = ['', 'a', 'A', 'ab', 'AB', 'b', 'B', 'a_b', 'a%b', 'x\\y', "it's", 'Zeta', 'zeta', 'é', 'abc', ' a'];
const NUMBERS = [-3, -2, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3, 7, 10];
const PATTERNS = ['a', 'A', 'b', '_', '%', 'a%', '%b', 'a_', '%\\_%', '%\\%%', 'z%', '%e%', "'", '\\', 'x\\y', ''];
const ROLES = ['admin', 'user', 'Admin'];
const USERS = ['u1', 'u2'];

/** A text value for a row or a literal. */
export const textValue = fc.constantFrom(...TEXTS);
/** A number value (small, with halves, so every engine computes the same doubles). */
export const numberValue = fc.constantFrom(...NUMBERS);

/** One random row of the differential table. */
export const rowArbitrary = fc.record({
  title: fc.option(textValue, { nil: null }),
  status: fc.option(textValue, { nil: null }),
  price: fc.option(numberValue, { nil: null }),
  qty: fc.option(numberValue, { nil: null }),
  published: fc.option(fc.boolean(), { nil: null }),
  owner: fc.option(fc.constantFrom(...USERS, 'u3'), { nil: null }),
  created_by: fc.option(fc.constantFrom(...USERS, 'u3'), { nil: null }),
});

/** A random principal (or anonymous). */
export const authArbitrary = fc.option(
  fc.record({ id: fc.constantFrom(...USERS), role: fc.constantFrom(...ROLES), groups: fc.subarray(['staff', 'ops']) }),
  { nil: null },
);

const numField = fc.constantFrom('price', 'qty');
const textField = fc.constantFrom('title', 'status');
const cmp = fc.constantFrom('=', '!=', '<', '>', '<=', '>=');
const eq = fc.constantFrom('=', '!=');

const { num } = fc.letrec<{ num: string }>((tie) => ({
  num: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numField,
    numberValue.map(String),
    fc.tuple(tie('num'), fc.constantFrom('+', '-', '*', '/', '%'), tie('num')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('num').map((a) => `-${a}`),
    tie('num').map((a) => `abs(${a})`),
    textField.map((t) => `length(${t})`),
    fc.tuple(tie('num'), tie('num')).map(([a, b]) => `coalesce(${a}, ${b})`),
  ),
}));

const text = fc.oneof(
  textField,
  textValue.map(quote),
  fc.constantFrom('@request.auth.id', '@request.auth.role'),
  textField.map((t) => `lower(${t})`),
  textField.map((t) => `upper(${t})`),
  fc.tuple(textField, textValue).map(([t, v]) => `coalesce(${t}, ${quote(v)})`),
);

const atom = fc.oneof(
  fc.tuple(num, cmp, num).map(([a, op, b]) => `${a} ${op} ${b}`),
  fc.tuple(text, cmp, text).map(([a, op, b]) => `${a} ${op} ${b}`),
  fc.tuple(textField, fc.constantFrom(...PATTERNS)).map(([f, p]) => `${f} ~ ${quote(p)}`),
  textField.map((f) => `${f} ~ @request.auth.role`),
  fc.tuple(eq, fc.constantFrom('true', 'false', 'published')).map(([op, v]) => `published ${op} ${v}`),
  fc.constantFrom('published', '!published', 'true', 'false'),
  fc.tuple(fc.constantFrom('title', 'price', 'published', 'owner', '@request.auth.id'), fc.boolean()).map(
    ([f, not]) => `${f} IS ${not ? 'NOT ' : ''}NULL`,
  ),
  fc.tuple(numField, fc.array(numberValue, { minLength: 1, maxLength: 4 })).map(([f, vs]) => `${f} IN (${vs.join(', ')})`),
  fc.tuple(textField, fc.array(textValue, { minLength: 1, maxLength: 3 })).map(([f, vs]) => `${f} in (${vs.map(quote).join(', ')})`),
  fc.tuple(eq, fc.constantFrom(...USERS.map(quote), '@request.auth.id')).map(([op, v]) => `owner ${op} ${v}`),
  fc.constantFrom("@has_role('admin')", "@has_group('staff')", '@owns_record(owner)', '@is_creator()'),
);

/** A random boolean expression over the differential table's fields. */
export const conditionArbitrary: fc.Arbitrary<string> = fc.letrec<{ cond: string }>((tie) => ({
  cond: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.tuple(tie('cond'), tie('cond')).map(([a, b]) => `(${a} && ${b})`),
    fc.tuple(tie('cond'), tie('cond')).map(([a, b]) => `(${a} || ${b})`),
    tie('cond').map((a) => `!(${a})`),
    fc.tuple(tie('cond'), eq, tie('cond')).map(([a, op, b]) => `(${a}) ${op} (${b})`),
  ),
})).cond;
