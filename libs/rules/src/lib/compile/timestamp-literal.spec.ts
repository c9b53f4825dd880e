import { isTimestampLiteral } from './timestamp-literal';

describe('isTimestampLiteral', () => {
  it.each(['2024-01-01', '2024-02-29', '2024-01-01T10:00', '2024-01-01 10:00:00', '2024-01-01T10:00:00.123456Z', '2024-12-31T23:59:59+02:00', '2024-01-01T00:00:00-1530', '0001-01-01', '2000-02-29'])(
    'accepts %s',
    (text) => expect(isTimestampLiteral(text)).toBe(true),
  );

  it.each(['garbage', '', '2024', '2024-1-01', '2023-02-29', '1900-02-29', '2024-02-30', '2024-13-01', '2024-00-10', '2024-01-00', '0000-01-01', '2024-01-01T24:00', '2024-01-01T10:60', '2024-01-01T10:00:60', '2024-01-01T10:00:00+16:00', '2024-01-01T10:00:00+02:60', '2024-01-01T10:00:00Zjunk', 'today', 'epoch'])(
    'refuses %j',
    (text) => expect(isTimestampLiteral(text)).toBe(false),
  );
});
