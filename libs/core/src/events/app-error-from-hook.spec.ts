import { HookAbortError, HookHandlerError } from '@snackbase/hooks';
import { AppError } from '../errors';
import { appErrorFromHook } from './app-error-from-hook';

describe('appErrorFromHook', () => {
  it.each([
    [400, 'bad_request'],
    [403, 'forbidden'],
    [409, 'conflict'],
    [422, 'invalid_request'],
    [418, 'bad_request'],
  ])('turns an abort with status %p into an AppError with code %p', (status, code) => {
    const e = appErrorFromHook(new HookAbortError(status, 'Nope'));
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ status, code, message: 'Nope', details: undefined });
  });

  it('keeps field details as details, anything else as extras', () => {
    const details = [{ field: 'title', message: 'required', code: 'required' }];
    expect(appErrorFromHook(new HookAbortError(400, 'Invalid', details))).toMatchObject({ details });
    expect(appErrorFromHook(new HookAbortError(400, 'Invalid', { quota: 3 }))).toMatchObject({ details: undefined, extras: { hook_details: { quota: 3 } } });
  });

  it('returns other errors unchanged (a failing hook is a 500)', () => {
    const failure = new HookHandlerError('record.beforeCreate', 'h1', 'before', new Error('x'));
    expect(appErrorFromHook(failure)).toBe(failure);
  });
});
