import type { Express } from 'express';
import request from 'supertest';
import { hashToken } from '@snackbase/auth';
import { createSuperadmin, systemContext, type AuditLogEntry, type Core } from '@snackbase/core';
import { TEST_DIALECTS, type SmtpInbox } from '@snackbase/testing';
import { mailedToken as mailedTokenOf, startTestServer, type SmtpTestServer } from '../test-support/test-server';

const PASSWORD = 'Correct-Horse-9!';
const INVITEE_PASSWORD = 'Invited-Horse-7?';
const NEW_USER_PASSWORD = 'Created-Horse-5#';
const UA = 'identity-audit-spec/1.0';

/** One audited request: its correlation id, who acted, and the (operation, table, record, columns) it must have logged. */
interface Expected {
  readonly cid: string;
  readonly actor: string | null;
  readonly changes: ReadonlyArray<{ operation: string; table: string; record: string; columns: string[] }>;
}

const USER_CREATE = ['id', 'account_id', 'email', 'password_hash', 'role_id', 'is_active', 'email_verified', 'created_at', 'updated_at'];
const GROUP_CREATE = ['id', 'account_id', 'name', 'description', 'created_at', 'updated_at'];
const sorted = (xs: readonly string[]) => [...xs].sort();

describe.each(TEST_DIALECTS)('identity writes in the audit log on %s', (dialect) => {
  let server: SmtpTestServer;
  let core: Core;
  let app: Express;
  let inbox: SmtpInbox;
  const secretsSeen: string[] = [PASSWORD, INVITEE_PASSWORD, NEW_USER_PASSWORD];

  /** A request with a correlation id and user agent, signed in with `token` when given. */
  function call(method: 'get' | 'post' | 'patch' | 'delete', url: string, cid: string, token?: string) {
    const req = request(app)[method](url).set('X-Correlation-ID', cid).set('User-Agent', UA);
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  }
  /** The token of the newest link to `path` mailed to `to` after `after` mails. */
  async function mailedToken(to: string, path: string, after: number): Promise<string> {
    const token = await mailedTokenOf(inbox, to, path, after);
    secretsSeen.push(token, hashToken(token));
    return token;
  }

  beforeAll(async () => {
    server = await startTestServer(dialect, { smtp: true });
    ({ core, app, inbox } = server);
  });
  afterAll(() => server?.close());

  it('logs every identity write of a whole journey, one entry per changed column, with its actor and request, and no secret', async () => {
    const root = await createSuperadmin(systemContext('setup'), core, { email: 'root@example.com', password: PASSWORD });
    const saLogin = (await call('post', '/api/v1/auth/login', 'cid-sa-login').send({ account: 'system', email: 'root@example.com', password: PASSWORD }).expect(200)).body;
    const sa = saLogin.token as string;

    // register → verify → login, all anonymous
    let mails = inbox.mails.length;
    const reg = (await call('post', '/api/v1/auth/register', 'cid-register').send({ email: 'owner@audit.test', password: PASSWORD, account_name: 'Audit Co' }).expect(201)).body;
    const accountId = reg.account.id as string;
    const ownerId = reg.user.id as string;
    await call('post', '/api/v1/auth/verify-email', 'cid-verify').send({ token: await mailedToken('owner@audit.test', '/verify-email', mails) }).expect(200);
    await call('post', '/api/v1/auth/login', 'cid-bad-login').send({ account: 'audit-co', email: 'owner@audit.test', password: 'Wrong-Horse-0!' }).expect(401);
    const owner = (await call('post', '/api/v1/auth/login', 'cid-login').send({ account: 'audit-co', email: 'owner@audit.test', password: PASSWORD }).expect(200)).body;
    const piiGroup = (await call('get', '/api/v1/groups', 'cid-read', owner.token).expect(200)).body[0].id as string;

    // the superadmin creates, updates and deactivates a user
    const created = (await call('post', '/api/v1/users', 'cid-user-create', sa).send({ email: 'made@audit.test', password: NEW_USER_PASSWORD, account_id: accountId, role_id: 2 }).expect(201)).body;
    await call('post', '/api/v1/users', 'cid-dup-user', sa).send({ email: 'made@audit.test', password: NEW_USER_PASSWORD, account_id: accountId, role_id: 2 }).expect(409);
    await call('post', '/api/v1/auth/register', 'cid-dup-slug').send({ email: 'x@audit.test', password: PASSWORD, account_name: 'Audit Co', account_slug: 'audit-co' }).expect(409);
    await call('patch', `/api/v1/users/${created.id}`, 'cid-user-update', sa).send({ role_id: 1, profile_data: { team: 'ops' } }).expect(200);
    await call('delete', `/api/v1/users/${created.id}`, 'cid-user-deactivate', sa).expect(204);

    // a tenant admin's group and membership
    const group = (await call('post', '/api/v1/groups', 'cid-group-create', owner.token).send({ name: 'Editors' }).expect(201)).body;
    await call('post', `/api/v1/groups/${group.id}/users`, 'cid-group-add', owner.token).send({ user_id: ownerId }).expect(201);

    // the superadmin's API key
    const key = (await call('post', '/api/v1/admin/api-keys', 'cid-key-create', sa).send({ name: 'ci key' }).expect(201)).body;
    secretsSeen.push(key.key, hashToken(key.key));
    await call('delete', `/api/v1/admin/api-keys/${key.id}`, 'cid-key-revoke', sa).expect(204);

    // an invitation, accepted (which signs the invitee in)
    mails = inbox.mails.length;
    const inv = (await call('post', '/api/v1/invitations', 'cid-invite', owner.token).send({ email: 'guest@audit.test', group_ids: [group.id] }).expect(201)).body;
    const accepted = (await call('post', `/api/v1/invitations/${await mailedToken('guest@audit.test', '/accept-invitation', mails)}/accept`, 'cid-accept').send({ password: INVITEE_PASSWORD }).expect(200)).body;
    const guestId = accepted.user.id as string;
    secretsSeen.push(sa, saLogin.refresh_token, owner.token, owner.refresh_token, accepted.token, accepted.refresh_token);

    const log = (await call('get', '/api/v1/audit-logs?limit=500&sort_by=id&sort_order=asc', 'cid-audit-read', sa).expect(200)).body;
    const items = log.items as AuditLogEntry[];
    expect(log.total).toBe(items.length);

    const expected: Expected[] = [
      { cid: 'setup', actor: null, changes: [{ operation: 'CREATE', table: 'users', record: root.id, columns: [...USER_CREATE, 'email_verified_at'] }] },
      { cid: 'cid-sa-login', actor: null, changes: [{ operation: 'UPDATE', table: 'users', record: root.id, columns: ['last_login'] }] },
      {
        cid: 'cid-register',
        actor: null,
        changes: [
          { operation: 'CREATE', table: 'accounts', record: accountId, columns: ['id', 'account_code', 'slug', 'name', 'created_at', 'updated_at'] },
          { operation: 'CREATE', table: 'users', record: ownerId, columns: USER_CREATE },
          { operation: 'CREATE', table: 'groups', record: piiGroup, columns: GROUP_CREATE },
          { operation: 'CREATE', table: 'users_groups', record: `${ownerId}:${piiGroup}`, columns: ['user_id', 'group_id'] },
        ],
      },
      { cid: 'cid-verify', actor: null, changes: [{ operation: 'UPDATE', table: 'users', record: ownerId, columns: ['email_verified', 'email_verified_at', 'updated_at'] }] },
      { cid: 'cid-login', actor: null, changes: [{ operation: 'UPDATE', table: 'users', record: ownerId, columns: ['last_login'] }] },
      {
        cid: 'cid-user-create',
        actor: root.id,
        changes: [{ operation: 'CREATE', table: 'users', record: created.id, columns: [...USER_CREATE, 'auth_provider', 'auth_provider_name', 'external_id', 'external_email', 'profile_data'] }],
      },
      { cid: 'cid-user-update', actor: root.id, changes: [{ operation: 'UPDATE', table: 'users', record: created.id, columns: ['role_id', 'profile_data', 'updated_at'] }] },
      { cid: 'cid-user-deactivate', actor: root.id, changes: [{ operation: 'UPDATE', table: 'users', record: created.id, columns: ['is_active', 'updated_at'] }] },
      { cid: 'cid-group-create', actor: ownerId, changes: [{ operation: 'CREATE', table: 'groups', record: group.id, columns: GROUP_CREATE }] },
      { cid: 'cid-group-add', actor: ownerId, changes: [{ operation: 'CREATE', table: 'users_groups', record: `${ownerId}:${group.id}`, columns: ['user_id', 'group_id'] }] },
      {
        cid: 'cid-key-create',
        actor: root.id,
        changes: [{ operation: 'CREATE', table: 'api_keys', record: key.id, columns: ['id', 'account_id', 'user_id', 'name', 'key_hash', 'scopes', 'expires_at', 'is_active', 'last_used_at', 'created_at', 'updated_at'] }],
      },
      { cid: 'cid-key-revoke', actor: root.id, changes: [{ operation: 'UPDATE', table: 'api_keys', record: key.id, columns: ['is_active', 'updated_at'] }] },
      {
        cid: 'cid-invite',
        actor: ownerId,
        changes: [
          {
            operation: 'CREATE',
            table: 'invitations',
            record: inv.id,
            columns: ['id', 'account_id', 'email', 'token_hash', 'role_id', 'group_ids', 'invited_by', 'expires_at', 'created_at', 'accepted_at', 'cancelled_at', 'email_sent', 'email_sent_at'],
          },
          { operation: 'UPDATE', table: 'invitations', record: inv.id, columns: ['email_sent', 'email_sent_at'] },
        ],
      },
      {
        cid: 'cid-accept',
        actor: null,
        changes: [
          { operation: 'UPDATE', table: 'invitations', record: inv.id, columns: ['accepted_at'] },
          { operation: 'CREATE', table: 'users', record: guestId, columns: [...USER_CREATE, 'email_verified_at', 'auth_provider'] },
          { operation: 'CREATE', table: 'users_groups', record: `${guestId}:${group.id}`, columns: ['user_id', 'group_id'] },
          { operation: 'UPDATE', table: 'users', record: guestId, columns: ['last_login'] },
        ],
      },
    ];
    for (const step of expected) {
      const got = items.filter((i) => i.request_id === step.cid);
      const byChange = step.changes.map((c) => got.filter((i) => i.operation === c.operation && i.table_name === c.table && i.record_id === c.record).map((i) => i.column_name));
      expect({ cid: step.cid, columns: byChange.map(sorted) }).toEqual({ cid: step.cid, columns: step.changes.map((c) => sorted(c.columns)) });
      expect(got).toHaveLength(step.changes.reduce((n, c) => n + c.columns.length, 0));
      for (const i of got) expect({ cid: step.cid, user_id: i.user_id }).toEqual({ cid: step.cid, user_id: step.actor });
      if (step.cid !== 'setup') for (const i of got) expect([i.ip_address, i.user_agent]).toEqual([expect.stringMatching(/127\.0\.0\.1|::1/), UA]);
    }
    // Tenant rows carry their account; the changed values are what the requests asked for.
    expect(items.filter((i) => i.request_id === 'cid-register').every((i) => i.account_id === accountId)).toBe(true);
    const roleChange = items.find((i) => i.request_id === 'cid-user-update' && i.column_name === 'role_id');
    expect([roleChange?.old_value, roleChange?.new_value]).toEqual(['2', '1']);
    const deactivated = items.find((i) => i.request_id === 'cid-user-deactivate' && i.column_name === 'is_active');
    expect([deactivated?.old_value, deactivated?.new_value]).toEqual(['true', 'false']);

    // Nothing for failed writes, failed logins or reads; no secret anywhere, secret columns redacted.
    for (const cid of ['cid-dup-user', 'cid-dup-slug', 'cid-bad-login', 'cid-read', 'cid-audit-read']) expect(items.filter((i) => i.request_id === cid)).toEqual([]);
    const text = JSON.stringify(items);
    for (const secret of secretsSeen) expect(text.includes(secret)).toBe(false);
    expect(text).not.toMatch(/\$argon2/);
    for (const i of items.filter((x) => /_hash$/.test(x.column_name))) expect([i.old_value, i.new_value].filter((v) => v !== null)).toEqual(expect.arrayContaining(['[redacted]']));

    expect((await call('post', '/api/v1/audit-logs/verify', 'cid-verify-chain', sa).expect(200)).body).toMatchObject({ valid: true, checked: items.length });
  });
});
