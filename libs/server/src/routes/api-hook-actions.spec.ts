import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import { sql } from 'kysely';
import request from 'supertest';
import type { Core } from '@snackbase/core';
import { HookAbortError } from '@snackbase/hooks';
import { TEST_DIALECTS, type SmtpInbox } from '@snackbase/testing';
import { defineCollection } from '../test-support/collection-fixture';
import { signIn, startTestServer, type SmtpTestServer } from '../test-support/test-server';
import { addVerifiedUser, insertTwoAccounts } from '../test-support/two-accounts';

/**
 * The record and mail actions of API-defined hooks (spec §10.11), run through a manual trigger:
 * `update_record` and `delete_record` act as the hook's creator (their rules apply), and
 * `send_email`, with a template or free text, goes through the mail module, so the send log and
 * the mailer events apply to it like to any other mail.
 */
const PASSWORD = 'Correct-Horse-9!';

describe.each(TEST_DIALECTS)('API hook actions on %s', (dialect) => {
  let server: SmtpTestServer;
  let core: Core;
  let app: Express;
  let inbox: SmtpInbox;
  const A = { id: randomUUID(), code: 'AX0001' };
  const B = { id: randomUUID(), code: 'BX0001' };
  const users = { ann: randomUUID(), amy: randomUUID() };
  const tokens: Record<string, string> = {};

  const as = (who: string, method: 'get' | 'post' | 'patch' | 'delete', path: string) => request(app)[method](path).set('Authorization', `Bearer ${tokens[who]}`);
  const note = async (id: string) => (await sql<Record<string, unknown>>`select * from col_notes where id = ${id}`.execute(core.db.kysely)).rows[0];
  /** Creates a manual hook of `who` with `actions` and triggers it; answers the run's outcome. */
  async function run(who: string, actions: object[]): Promise<{ status: string; actions_executed: number; error?: string }> {
    const hook = await as(who, 'post', '/api/v1/hooks')
      .send({
        name: `run ${randomUUID()}`,
        trigger: { type: 'manual' },
        actions,
      })
      .expect(201);
    return (await as(who, 'post', `/api/v1/hooks/${hook.body.id}/trigger`).expect(202)).body;
  }
  const newNote = async (who: string, text: string) => (await as(who, 'post', '/api/v1/records/notes').send({ text }).expect(201)).body.id as string;

  beforeAll(async () => {
    server = await startTestServer(dialect, { smtp: true });
    ({ core, app, inbox } = server);
    await insertTwoAccounts(core, { A, B });
    await addVerifiedUser(core, A.id, {
      id: users.ann,
      email: 'ann@acme.test',
      password: PASSWORD,
    });
    await addVerifiedUser(core, A.id, {
      id: users.amy,
      email: 'amy@acme.test',
      password: PASSWORD,
    });
    tokens['ann'] = await signIn(app, 'acme', 'ann@acme.test', PASSWORD);
    tokens['amy'] = await signIn(app, 'acme', 'amy@acme.test', PASSWORD);
    // Anyone in the account may read and create notes; only their creator may change or delete one.
    const mine = 'created_by = @request.auth.id';
    await defineCollection(core, {
      name: 'notes',
      fields: [{ name: 'text', type: 'text' }],
      rules: {
        list_rule: '',
        view_rule: '',
        create_rule: '',
        update_rule: mine,
        delete_rule: mine,
      },
    });
  });
  afterAll(() => server?.close());

  describe('update_record', () => {
    it('updates the record as the hook’s creator, with templated data', async () => {
      const id = await newNote('ann', 'draft');
      const out = await run('ann', [
        {
          type: 'update_record',
          collection: 'notes',
          record_id: id,
          data: { text: 'edited by {{auth.email}}' },
        },
      ]);
      expect(out).toMatchObject({ status: 'success', actions_executed: 1 });
      expect(await note(id)).toMatchObject({
        text: 'edited by ann@acme.test',
        updated_by: users.ann,
      });
    });

    it('fails, changing nothing, when the creator’s update rule refuses', async () => {
      const id = await newNote('ann', 'ann’s');
      const out = await run('amy', [
        {
          type: 'update_record',
          collection: 'notes',
          record_id: id,
          data: { text: 'taken over' },
        },
      ]);
      expect(out).toMatchObject({ status: 'failed', actions_executed: 0 });
      expect(out.error).toMatch(/^update_record/);
      expect(await note(id)).toMatchObject({ text: 'ann’s' });
    });
  });

  describe('delete_record', () => {
    it('deletes the record as the hook’s creator', async () => {
      const id = await newNote('amy', 'to go');
      expect(await run('amy', [{ type: 'delete_record', collection: 'notes', record_id: id }])).toMatchObject({ status: 'success', actions_executed: 1 });
      expect(await note(id)).toBeUndefined();
    });

    it('fails, deleting nothing, for a record of someone else', async () => {
      const id = await newNote('amy', 'amy’s');
      const out = await run('ann', [{ type: 'delete_record', collection: 'notes', record_id: id }]);
      expect(out).toMatchObject({ status: 'failed', actions_executed: 0 });
      expect(await note(id)).toMatchObject({ text: 'amy’s' });
    });
  });

  describe('send_email', () => {
    const logsOf = (to: string) => core.db.kysely.selectFrom('email_logs').select(['template_type', 'status', 'account_id']).where('recipient_email', '=', to).execute();

    it('free text goes through the mail module: mailer events (which may rewrite it) and the send log', async () => {
      const seen: string[] = [];
      const offBefore = core.hooks.on('mailer.beforeSend', (p) => ({
        ...p,
        message: { ...p.message, subject: `${p.message.subject} [checked]` },
      }));
      const offAfter = core.hooks.on('mailer.afterSend', (p) => void seen.push(`${p.template}:${p.message.to}:${p.messageId !== ''}`));
      try {
        const out = await run('ann', [
          {
            type: 'send_email',
            to: 'ops@acme.test',
            subject: 'Hello {{auth.email}}',
            body: 'Line one\nfrom {{auth.email}}',
          },
        ]);
        expect(out).toMatchObject({ status: 'success', actions_executed: 1 });
        const mail = await inbox.waitFor((m) => JSON.stringify(m.to ?? '').includes('ops@acme.test'));
        expect(mail.subject).toBe('Hello ann@acme.test [checked]');
        expect(mail.text).toContain('Line one\nfrom ann@acme.test');
        expect(seen).toEqual(['hook:ops@acme.test:true']);
        expect(await logsOf('ops@acme.test')).toEqual([{ template_type: 'hook', status: 'sent', account_id: A.id }]);
      } finally {
        offBefore();
        offAfter();
      }
    });

    it('a stored template is rendered with the action’s variables', async () => {
      const [template] = await core.mail.listTemplates({
        templateType: 'password_reset',
      });
      const out = await run('ann', [
        {
          type: 'send_email',
          to: 'tpl@acme.test',
          template_id: template.id,
          variables: {
            reset_url: 'http://public.example/r?t=1',
            email: '{{auth.email}}',
          },
        },
      ]);
      expect(out).toMatchObject({ status: 'success', actions_executed: 1 });
      const mail = await inbox.waitFor((m) => JSON.stringify(m.to ?? '').includes('tpl@acme.test'));
      expect(mail.text).toContain('http://public.example/r?t=1');
      expect(await logsOf('tpl@acme.test')).toEqual([{ template_type: 'password_reset', status: 'sent', account_id: A.id }]);
    });

    it('a mailer.beforeSend abort fails the action: nothing sent, nothing logged', async () => {
      const off = core.hooks.on('mailer.beforeSend', (p) => {
        if (p.message.to === 'blocked@acme.test') throw new HookAbortError(403, 'Recipient blocked');
      });
      try {
        const mails = inbox.mails.length;
        const out = await run('ann', [
          {
            type: 'send_email',
            to: 'blocked@acme.test',
            subject: 'x',
            body: 'y',
          },
        ]);
        expect(out).toMatchObject({ status: 'failed', actions_executed: 0 });
        expect(out.error).toMatch(/Recipient blocked/);
        await new Promise((r) => setTimeout(r, 100));
        expect(inbox.mails.length).toBe(mails);
        expect(await logsOf('blocked@acme.test')).toEqual([]);
      } finally {
        off();
      }
    });

    it('refuses an invalid recipient without sending', async () => {
      const out = await run('ann', [{ type: 'send_email', to: 'not an address', subject: 'x', body: 'y' }]);
      expect(out).toMatchObject({ status: 'failed', actions_executed: 0 });
      expect(await logsOf('not an address')).toEqual([]);
    });
  });
});
