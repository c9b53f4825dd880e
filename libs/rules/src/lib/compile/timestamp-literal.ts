const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))?)?$/;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
// Not through Date: Date.UTC maps years 0–99 to 1900–1999.
const daysIn = (year: number, month: number): number => (month === 2 && isLeap(year) ? 29 : (DAYS[month - 1] ?? 0));

/**
 * Whether `text` is an ISO-8601 date or date-time that PostgreSQL reads as a timestamp with
 * the meaning the rule language gives it: a real calendar day (no 2026-02-30, which `Date`
 * would roll over), hours 00–23, minutes and seconds 00–59, year 1 or later, offsets
 * with minutes (`+05` alone is no date to `Date.parse`) up to ±15:59. A value bound
 * beside a timestamp column is typed as one by PostgreSQL; anything that fails this check
 * would make the statement fail (a 500), so the compiler compares it as text instead, as
 * SQLite always does.
 * @example isTimestampLiteral('2026-12-01T02:30:00Z') // true
 * @example isTimestampLiteral('garbage') // false
 */
export function isTimestampLiteral(text: string): boolean {
  const m = ISO.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  if (day > daysIn(year, month)) return false;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59)) return false;
  if (m[6] !== undefined && Number(m[6]) > 59) return false;
  // PostgreSQL takes UTC offsets up to ±15:59.
  return m[7] === undefined || (Number(m[7]) <= 15 && Number(m[8]) <= 59);
}
