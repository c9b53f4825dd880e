import type { ColumnType } from 'kysely';

/** A non-null column the database fills when an insert omits it (a default). */
export type Defaulted<T> = ColumnType<T, T | undefined, T>;
