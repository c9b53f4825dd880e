import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import type { Core } from '@snackbase/core';
import { accountScope, dynamicTenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS } from '@snackbase/testing';
import { defineCollection } from '../test-support/collection-fixture';
import { startTestServer, type TestServer } from '../test-support/test-server';
import { insertTwoAccounts } from '../test-support/two-accounts';

jest.setTimeout(120_000);

// Computed fields using the extended function catalogue come back evaluated over HTTP.
describe.each(TEST_DIALECTS)('computed field functions on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  let app: Express;
  const A = { id: randomUUID(), code: 'AA0001' };
  const B = { id: randomUUID(), code: 'BB0001' };
  const ids = { full: randomUUID(), nulls: randomUUID() };

  async function insert(id: string, values: Record<string, unknown>): Promise<void> {
    const at = new Date(Date.UTC(2025, 0, 1)).toISOString();
    await dynamicTenantTable(core.db.kysely, accountScope(A.id), 'col_tasks')
      .insert({ ...values, id, created_at: at, updated_at: at, created_by: 'u', updated_by: 'u' })
      .execute();
  }

  beforeAll(async () => {
    server = await startTestServer(dialect);
    ({ core, app } = server);
    await insertTwoAccounts(core, { A, B });
    await defineCollection(core, {
      name: 'tasks',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'status', type: 'text' },
        { name: 'score', type: 'number' },
        { name: 'label', type: 'computed', expression: "concat(title, ' ', upper(status))", return_type: 'text' },
        { name: 'third', type: 'computed', expression: 'round(score / 3, 1)', return_type: 'number' },
        { name: 'band', type: 'computed', expression: "if(score >= 10, 'high', coalesce(nullif(trim(status), ''), 'none'))", return_type: 'text' },
        { name: 'due', type: 'computed', expression: "date_add('2025-01-31T00:00:00Z', floor(score / 4), 'days')", return_type: 'datetime' },
      ],
      rules: { list_rule: '', view_rule: '' },
    });
    await insert(ids.full, { title: 'Write docs', status: 'open', score: 10 });
    await insert(ids.nulls, { title: 'Idle', status: null, score: null });
  });
  afterAll(() => server?.close());

  it('evaluates concat/upper, round, if/nullif/trim and date_add on view', async () => {
    const res = await request(app).get(`/api/v1/records/tasks/${ids.full}`).set('X-Account-ID', A.code);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ label: 'Write docs OPEN', third: 3.3, band: 'high', due: '2025-02-02T00:00:00.000Z' });
  });

  it('propagates NULL except through if/coalesce, on list', async () => {
    const res = await request(app).get('/api/v1/records/tasks').set('X-Account-ID', A.code);
    expect(res.status).toBe(200);
    const row = (res.body.items as Record<string, unknown>[]).find((r) => r['id'] === ids.nulls);
    expect(row).toMatchObject({ label: null, third: null, band: 'none', due: null });
  });
});
