/** The kinds of database failure the rest of the server maps to HTTP statuses. */
export type DbErrorKind = 'unique' | 'foreign_key' | 'not_null' | 'check' | 'unavailable' | 'contention';

/**
 * A driver error translated into something callers can act on without parsing SQL messages.
 * `columns` names the offending columns where the driver says so. The original error is
 * kept as `cause` for the log; its text (which may contain SQL) must never reach a client.
 */
export class DbError extends Error {
  override readonly name = 'DbError';
  constructor(
    readonly kind: DbErrorKind,
    readonly columns: readonly string[],
    override readonly cause: unknown,
  ) {
    super(`database ${kind} error${columns.length ? ` on ${columns.join(', ')}` : ''}`);
  }
}

interface DriverError {
  code?: string;
  message?: string;
  detail?: string;
  column?: string;
}

const PG_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08006']);

function sqliteColumns(message: string): string[] {
  const list = message.split('failed:')[1] ?? '';
  return list
    .split(',')
    .map((s) => s.trim().split('.').pop() ?? '')
    .filter(Boolean);
}

function pgColumns(e: DriverError): string[] {
  if (e.column) return [e.column];
  const m = /Key \(([^)]+)\)/.exec(e.detail ?? '');
  return m?.[1] ? m[1].split(',').map((s) => s.trim().replace(/^"|"$/g, '')) : [];
}

/** Returns the {@link DbError} for a driver error, or undefined when it is none of the known kinds. */
export function translateDbError(error: unknown): DbError | undefined {
  if (error instanceof DbError) return error;
  const e = (error ?? {}) as DriverError;
  const code = e.code ?? '';
  const message = e.message ?? '';
  if (code.startsWith('SQLITE_')) {
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return new DbError('unique', sqliteColumns(message), error);
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return new DbError('foreign_key', [], error);
    // An ON DELETE RESTRICT fires as a trigger constraint on SQLite.
    if (code === 'SQLITE_CONSTRAINT_TRIGGER' && /FOREIGN KEY constraint failed/.test(message)) return new DbError('foreign_key', [], error);
    if (code === 'SQLITE_CONSTRAINT_NOTNULL') return new DbError('not_null', sqliteColumns(message), error);
    if (code === 'SQLITE_CONSTRAINT_CHECK') return new DbError('check', [], error);
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_CANTOPEN') return new DbError('unavailable', [], error);
    return undefined;
  }
  if (code === '23505') return new DbError('unique', pgColumns(e), error);
  if (code === '23503') return new DbError('foreign_key', pgColumns(e), error);
  if (code === '23502') return new DbError('not_null', pgColumns(e), error);
  if (code === '23514') return new DbError('check', [], error);
  // A deadlock or serialization failure: the transaction lost a race and was rolled back whole.
  if (code === '40P01' || code === '40001') return new DbError('contention', [], error);
  // Invalid text (a NUL byte, bad UTF-8) or a value too long for its column: the input's fault.
  if (code === '22021' || code === '22P05' || code === '22001') return new DbError('check', [], error);
  if (PG_UNAVAILABLE.has(code) || /timeout exceeded when trying to connect|Connection terminated/i.test(message)) {
    return new DbError('unavailable', [], error);
  }
  return undefined;
}
