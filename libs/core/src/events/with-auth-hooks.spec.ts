import { HookAbortError } from '@snackbase/hooks';
import { ANONYMOUS, type Auth, type LoginResult, type Principal } from '../auth';
import type { RequestContext } from '../context';
import { AppError } from '../errors';
import { createAppHooks } from './create-app-hooks';
import { withAuthHooks } from './with-auth-hooks';

const result: LoginResult = {
  token: 'access',
  refresh_token: 'refresh',
  expires_in: 3600,
  account: { id: 'acc-1', slug: 'acme', name: 'Acme', created_at: '2024-01-01' },
  user: { id: 'u-1', email: 'ann@acme.test', role: 'admin', is_active: true, created_at: '2024-01-01' },
};
const anon = (requestId = 'cid_test'): RequestContext => ({ principal: ANONYMOUS, requestId });
const ann: Principal = { kind: 'user', userId: 'u-1', accountId: 'acc-1', email: 'ann@acme.test', role: 'admin', sessionId: 's-1', isSuperadmin: false };

function setup() {
  const calls: string[] = [];
  const inner = {
    login: jest.fn(async (_ctx, input) => (calls.push(`login:${input.account}:${input.email}`), result)),
    refresh: jest.fn(),
    logout: jest.fn(async () => void calls.push('logout')),
    authenticate: jest.fn(),
  } as unknown as Auth;
  const onError = jest.fn();
  const hooks = createAppHooks(onError);
  return { calls, inner, hooks, onError, auth: withAuthHooks(inner, hooks) };
}

describe('withAuthHooks', () => {
  it('fires before/after login around the inner login; the before hook may rewrite the identifiers', async () => {
    const { calls, hooks, auth } = setup();
    hooks.on('auth.beforeLogin', (p) => {
      calls.push(`before:${p.ctx.requestId}:${p.ctx.principal.kind}`);
      return { ...p, email: p.email.trim().toLowerCase() };
    });
    hooks.on('auth.afterLogin', (p) => void calls.push(`after:${p.user.id}:${p.account.slug}:${JSON.stringify(p).includes('access')}`));
    const out = await auth.login(anon('cid_1'), { account: 'acme', email: ' Ann@Acme.test ', password: 'pw' });
    expect(out).toBe(result);
    expect(calls).toEqual(['before:cid_1:anonymous', 'login:acme:ann@acme.test', 'after:u-1:acme:false']);
  });

  it('turns a before-login abort into an AppError and never calls the inner login', async () => {
    const { inner, hooks, auth } = setup();
    hooks.on('auth.beforeLogin', () => {
      throw new HookAbortError(403, 'Logins are closed');
    });
    const e = await auth.login(anon(), { account: 'acme', email: 'a@b.c', password: 'pw' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ status: 403, code: 'forbidden', message: 'Logins are closed' });
    expect(inner.login).not.toHaveBeenCalled();
  });

  it('does not fire after-login when the login fails', async () => {
    const { inner, hooks, auth } = setup();
    (inner.login as jest.Mock).mockRejectedValueOnce(new Error('Invalid credentials'));
    const after = jest.fn();
    hooks.on('auth.afterLogin', after);
    await expect(auth.login(anon(), { account: 'acme', email: 'a@b.c', password: 'bad' })).rejects.toThrow('Invalid credentials');
    expect(after).not.toHaveBeenCalled();
  });

  it('keeps the login answer when an after-login hook fails, and reports it', async () => {
    const { hooks, auth, onError } = setup();
    hooks.on('auth.afterLogin', () => {
      throw new Error('metrics down');
    });
    await expect(auth.login(anon(), { account: 'acme', email: 'a@b.c', password: 'pw' })).resolves.toBe(result);
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('fires before/after logout with the principal and the request id of the context', async () => {
    const { calls, hooks, auth, inner } = setup();
    hooks.on('auth.beforeLogout', (p) => void calls.push(`before:${p.principal.kind}:${p.ctx.principal === p.principal}:${p.ctx.requestId}`));
    hooks.on('auth.afterLogout', () => void calls.push('after'));
    const ctx = { principal: ann, requestId: 'cid_2' };
    await auth.logout(ctx, 'rt');
    expect(calls).toEqual(['before:user:true:cid_2', 'logout', 'after']);
    expect(inner.logout).toHaveBeenCalledWith(ctx, 'rt');
  });

  it('leaves the other methods alone', () => {
    const { inner, auth } = setup();
    expect(auth.refresh).toBe(inner.refresh);
    expect(auth.authenticate).toBe(inner.authenticate);
  });
});
