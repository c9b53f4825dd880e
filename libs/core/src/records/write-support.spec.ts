import { HookAbortError, HookHandlerError } from '@snackbase/hooks';
import { AppError, conflict, notFound } from '../errors';
import { clientError, runBefore, withIndex, withoutAccount } from './write-support';

describe('write support', () => {
  it('adds the failing item index to an AppError, once', () => {
    const e = withIndex(notFound('Record not found'), 3) as AppError;
    expect(e).toMatchObject({ status: 404, code: 'not_found', message: 'Record not found (index 3)', extras: { index: 3 } });
    expect((withIndex(e, 3) as AppError).message).toBe('Record not found (index 3)');
    const plain = new Error('boom');
    expect(withIndex(plain, 1)).toBe(plain);
  });

  it('maps before-hook failures: abort → its 4xx, AppError 4xx → itself, anything else → unchanged (500)', async () => {
    await expect(runBefore(() => Promise.reject(new HookAbortError(409, 'no')))).rejects.toMatchObject({ status: 409, code: 'conflict', message: 'no' });
    const denied = conflict('taken', 'unique_violation');
    await expect(runBefore(() => Promise.reject(new HookHandlerError('record.beforeCreate', 'h1', 'before', denied)))).rejects.toBe(denied);
    const broken = new HookHandlerError('record.beforeCreate', 'h1', 'before', new TypeError('bug'));
    await expect(runBefore(() => Promise.reject(broken))).rejects.toBe(broken);
    const crash = new HookHandlerError('record.beforeCreate', 'h1', 'before', new AppError(500, 'internal_error', 'x', 'y'));
    await expect(runBefore(() => Promise.reject(crash))).rejects.toBe(crash);
  });

  it('turns driver constraint errors into client errors and leaves the rest alone', () => {
    const unique = Object.assign(new Error('UNIQUE constraint failed: col_x.account_id, col_x.code'), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
    expect(clientError(unique)).toMatchObject({ status: 409, code: 'unique_violation', extras: { field: 'code' } });
    const pgUnique = Object.assign(new Error('duplicate key'), { code: '23505', detail: 'Key (account_id, code)=(a, b) already exists.' });
    expect(clientError(pgUnique)).toMatchObject({ status: 409, extras: { field: 'code' } });
    const other = new Error('weird');
    expect(clientError(other)).toBe(other);
  });

  it('drops account_id from a candidate row (the tenant guard stamps it)', () => {
    expect(withoutAccount({ id: '1', account_id: 'a', title: 't' })).toEqual({ id: '1', title: 't' });
  });
});
