import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '@snackbase/testing';
import { createDatabase, type SnackDatabase } from './create-database';
import { utcText } from './postgres-pool';

// Timestamps come back as ISO-8601 UTC text on PostgreSQL, as SQLite stores them. The common
// form is rearranged as text; these cases check it against the Date round trip it replaced, in a
// UTC session and in one whose zone makes PostgreSQL print another offset (the Date path).
const INSTANTS = [
  '2026-01-01 00:00:00+00',
  '2026-01-01 00:00:00.1+00',
  '2026-06-30 23:59:59.999+00',
  '2026-06-30 23:59:59.9996+00',
  '2024-02-29 12:34:56.123456+00',
  '1970-01-01 00:00:00+00',
];

describe('PostgreSQL timestamps as ISO-8601 UTC text', () => {
  let t: TestDatabase;
  let db: SnackDatabase;

  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    await t.db.destroy();
    db = createDatabase({ url: t.url });
  });
  afterAll(async () => {
    await db.close();
    await t.destroy();
  });

  it.each(['UTC', 'Asia/Kolkata'])('reads timestamptz and timestamp as the Date round trip does, session zone %s', async (zone) => {
    const rows = await db.kysely.transaction().execute(async (trx) => {
      await sql`select set_config('TimeZone', ${zone}, true)`.execute(trx);
      return (
        await sql<{ tz: string; tz_text: string; plain: string; plain_text: string }>`
          select v::timestamptz as tz, v::timestamptz::text as tz_text,
                 (v::timestamptz at time zone 'UTC') as plain, (v::timestamptz at time zone 'UTC')::text as plain_text
          from unnest(${INSTANTS}::text[]) as v`.execute(trx)
      ).rows;
    });
    expect(rows).toHaveLength(INSTANTS.length);
    for (const r of rows) {
      expect(r.tz).toBe(new Date(r.tz_text).toISOString());
      expect(r.plain).toBe(new Date(`${r.plain_text}Z`).toISOString());
      expect(r.tz).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    if (zone === 'Asia/Kolkata') expect(rows[0]?.tz_text).toMatch(/\+05:30$/);
  });

  it('keeps years below 100 (which Date parsing of the text took for 19xx)', async () => {
    const row = (await sql<{ tz: string }>`select '0099-12-31 23:59:59.5+00'::timestamptz as tz`.execute(db.kysely)).rows[0];
    expect(row?.tz).toBe('0099-12-31T23:59:59.500Z');
  });
});

describe('utcText', () => {
  it('gives what the Date round trip gives for every fraction length, with and without a zone', () => {
    for (const fraction of ['', '.1', '.12', '.123', '.1234', '.12345', '.123456', '.000001', '.999999']) {
      const text = `2024-02-29 23:59:58${fraction}`;
      expect(utcText(`${text}+00`, '+00')).toBe(new Date(`${text}+00`).toISOString());
      expect(utcText(text, '')).toBe(new Date(`${text}Z`).toISOString());
    }
  });

  it('leaves every other form to the Date path', () => {
    for (const [value, zone] of [
      ['2026-01-01 00:00:00+05:30', '+00'],
      ['2026-01-01 00:00:00+00', ''],
      ['2026-01-01 00:00:00', '+00'],
      ['2026-01-01 00:00:00.1234567+00', '+00'],
      ['2026-01-01 00:00:00.+00', '+00'],
      ['2026-01-01T00:00:00+00', '+00'],
      ['0044-03-15 12:00:00+00 BC', '+00'],
      ['12026-01-01 00:00:00+00', '+00'],
      ['infinity', '+00'],
      ['-infinity', ''],
      ['2026-1-01 00:00:00', ''],
      ['2026-01-01 00:0a:00', ''],
    ] as const) {
      expect(utcText(value, zone)).toBeUndefined();
    }
  });
});
