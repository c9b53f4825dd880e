import { canonicalize, canonicalNumber, CanonicalJsonError, type JsonValue } from './canonical-json';

/** The double whose IEEE-754 bits are `hex` (RFC 8785 Appendix B lists numbers this way). */
const double = (hex: string) => Buffer.from(hex, 'hex').readDoubleBE(0);

describe('canonicalize (RFC 8785)', () => {
  it('serialises the §3.2.2 example', () => {
    // The RFC's input, parsed as any JSON parser would: 4.50, 2e-3 and 1E30 lose their spelling.
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    ) as JsonValue;
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts members by UTF-16 code units (the §3.2.3 example)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalize(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('writes the double 0x%s as %s (Appendix B)', (hex, text) => {
    expect(canonicalNumber(double(hex))).toBe(text);
  });

  it.each([['7fffffffffffffff'], ['7ff0000000000000'], ['fff0000000000000']])('refuses the non-finite double 0x%s', (hex) => {
    expect(() => canonicalNumber(double(hex))).toThrow(CanonicalJsonError);
  });

  it.each([
    ['nested structures without whitespace', { b: [1, { d: null, c: 'x' }], a: {} }, '{"a":{},"b":[1,{"c":"x","d":null}]}'],
    ['control characters in lowercase hex', '\u0000\u001f\u007f', '"\\u0000\\u001f\u007f"'],
    ['the short escapes', '\b\t\n\f\r"\\/', '"\\b\\t\\n\\f\\r\\"\\\\/"'],
    ['U+2028 and U+2029 literally', '\u2028\u2029', '"\u2028\u2029"'],
    ['members whose value is undefined left out', { a: undefined, b: 1 }, '{"b":1}'],
    ['an empty array', [], '[]'],
  ] as const)('writes %s', (_name, input, text) => {
    expect(canonicalize(input as JsonValue)).toBe(text);
  });

  it.each([
    ['a lone high surrogate', '\ud800x'],
    ['a lone low surrogate', 'x\udc00'],
    ['a Date', new Date(0)],
    ['a bigint', 1n],
    ['NaN in an array', [NaN]],
  ])('refuses %s', (_name, input) => {
    expect(() => canonicalize(input as unknown as JsonValue)).toThrow(CanonicalJsonError);
  });
});
