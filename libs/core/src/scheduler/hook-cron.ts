import { Cron } from 'croner';

/**
 * One field of the 5-field grammar of spec §10.11: `*`, `*\/n`, `a-b`, `a-b/n`, lists and single
 * values (numbers or JAN–DEC / SUN–SAT names). Croner also knows `L`, `#`, `?`, `W` and `+`: they
 * are refused so a hook means the same on every implementation.
 */
const VALUE = '([0-9]{1,2}|[A-Za-z]{3})';
const PART = new RegExp(`^(\\*|${VALUE}(-${VALUE})?)(/[0-9]{1,2})?$`);
const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'] as const;

/** Why `expr` is not a valid 5-field cron expression, or null when it is. */
export function cronProblem(expr: string): string | null {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) return `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
  for (const [i, field] of fields.entries()) {
    if (!field.split(',').every((part) => PART.test(part))) return `invalid ${FIELD_NAMES[i]} field '${field}'`;
  }
  try {
    cronOf(expr);
  } catch (e) {
    return (e as Error).message;
  }
  return null;
}

/** Vixie semantics: day-of-month OR day-of-week when both are restricted (croner's default). */
function cronOf(expr: string): Cron {
  return new Cron(expr.trim(), { paused: true, timezone: 'Etc/UTC', mode: '5-part', domAndDow: false });
}

/** The first run strictly after `from` (whole minutes, UTC), as ISO; null if there is none. */
export function nextCronRun(expr: string, from: Date = new Date()): string | null {
  const next = cronOf(expr).nextRun(from);
  return next ? next.toISOString() : null;
}

/** A short human reading of an expression, for `cron_description`. */
export function describeCron(expr: string): string {
  const [minute, hour, dom, month, dow] = expr.trim().split(/\s+/);
  if ([minute, hour, dom, month, dow].every((f) => f === '*')) return 'Every minute';
  const parts: string[] = [];
  if (minute.startsWith('*/') && hour === '*') parts.push(`Every ${minute.slice(2)} minutes`);
  else if (/^\d+$/.test(minute) && /^\d+$/.test(hour)) parts.push(`At ${hour.padStart(2, '0')}:${minute.padStart(2, '0')} UTC`);
  else parts.push(`At minute ${minute} past hour ${hour} (UTC)`);
  if (dom !== '*') parts.push(`on day-of-month ${dom}`);
  if (month !== '*') parts.push(`in month ${month}`);
  if (dow !== '*') parts.push(`${dom !== '*' ? 'or' : 'on'} day-of-week ${dow}`);
  return parts.join(' ');
}
