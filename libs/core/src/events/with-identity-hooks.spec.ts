import { HookAbortError } from '@snackbase/hooks';
import { ANONYMOUS } from '../auth';
import type { RequestContext } from '../context';
import { AppError } from '../errors';
import type { Identity, RegisterResult } from '../identity';
import { createAppHooks } from './create-app-hooks';
import { withIdentityHooks } from './with-identity-hooks';

const answer: RegisterResult = {
  message: 'Registration successful. Please check your email to verify your account.',
  account: {
    id: 'acc-1',
    slug: 'acme',
    name: 'Acme',
    created_at: '2024-01-01',
  },
  user: {
    id: 'u-1',
    email: 'ann@acme.test',
    role: 'admin',
    is_active: true,
    created_at: '2024-01-01',
  },
};
const ctx: RequestContext = { principal: ANONYMOUS, requestId: 'cid_1' };
const GOOD = 'Correct-Horse-9!';
const owner = { accountId: 'acc-1', userId: 'u-1', email: 'ann@acme.test' };

function setup() {
  const calls: string[] = [];
  const inner = {
    register: jest.fn(async (_ctx, input) => (calls.push(`register:${input.email}:${input.account_name}:${input.account_slug}`), answer)),
    resetPassword: jest.fn(async () => (calls.push('reset'), { message: 'ok' })),
    resetTokenOwner: jest.fn(async (token: string) => (token === 'good' ? owner : undefined)),
  } as unknown as Identity;
  const hooks = createAppHooks(jest.fn());
  return { calls, inner, hooks, identity: withIdentityHooks(inner, hooks) };
}

describe('withIdentityHooks', () => {
  it('fires before/after register around the inner call; the before hook may rewrite the draft', async () => {
    const { calls, hooks, identity } = setup();
    hooks.on('auth.beforeRegister', (p) => {
      calls.push(`before:${p.ctx.requestId}:${p.email}:${p.accountName}:${p.accountSlug}:${'password' in p}`);
      return { ...p, accountSlug: 'acme-two' };
    });
    hooks.on('auth.afterRegister', (p) => void calls.push(`after:${p.user.id}:${p.user.role}:${p.account.slug}`));
    expect(
      await identity.register(ctx, {
        email: 'ann@acme.test',
        password: GOOD,
        account_name: 'Acme',
      }),
    ).toBe(answer);
    expect(calls).toEqual(['before:cid_1:ann@acme.test:Acme:undefined:false', 'register:ann@acme.test:Acme:acme-two', 'after:u-1:admin:acme']);
  });

  it('turns a before-register abort into its AppError and never registers', async () => {
    const { inner, hooks, identity } = setup();
    hooks.on('auth.beforeRegister', () => {
      throw new HookAbortError(403, 'Closed');
    });
    const e = await identity.register(ctx, { email: 'a@b.test', password: GOOD, account_name: 'X' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ status: 403, message: 'Closed' });
    expect(inner.register).not.toHaveBeenCalled();
  });

  it('fires the reset events around a reset with a usable token, naming the user', async () => {
    const { calls, hooks, identity } = setup();
    hooks.on('auth.beforePasswordReset', (p) => void calls.push(`before:${p.userId}:${p.accountId}:${p.email}`));
    hooks.on('auth.afterPasswordReset', (p) => void calls.push(`after:${p.userId}`));
    await identity.resetPassword(ctx, 'good', GOOD);
    expect(calls).toEqual(['before:u-1:acc-1:ann@acme.test', 'reset', 'after:u-1']);
  });

  it('fires no reset event for an unusable token or a weak password, and none after a failed reset', async () => {
    const { inner, hooks, identity } = setup();
    const seen = jest.fn();
    hooks.on('auth.beforePasswordReset', seen);
    hooks.on('auth.afterPasswordReset', seen);
    await identity.resetPassword(ctx, 'unknown', GOOD);
    await identity.resetPassword(ctx, 'good', 'weak');
    expect(inner.resetTokenOwner).toHaveBeenCalledTimes(1);
    (inner.resetPassword as jest.Mock).mockRejectedValueOnce(new Error('token used meanwhile'));
    await expect(identity.resetPassword(ctx, 'good', GOOD)).rejects.toThrow('token used meanwhile');
    expect(seen).toHaveBeenCalledTimes(1); // the before of the last call only
  });

  it('turns a before-reset abort into its AppError and changes nothing', async () => {
    const { inner, hooks, identity } = setup();
    hooks.on('auth.beforePasswordReset', () => {
      throw new HookAbortError(409, 'Paused');
    });
    await expect(identity.resetPassword(ctx, 'good', GOOD)).rejects.toMatchObject({ status: 409, message: 'Paused' });
    expect(inner.resetPassword).not.toHaveBeenCalled();
  });
});
