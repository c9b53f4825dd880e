import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createSuperadmin, systemContext } from '@snackbase/core';
import { accountScope, allAccounts, dynamicTenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS } from '@snackbase/testing';
import { signIn, startTestServer, type TestServer } from '../test-support/test-server';
import { insertTwoAccounts } from '../test-support/two-accounts';

/**
 * Collections that reference each other (teams.captain → players, players.team → teams) export
 * and import: the import creates them without the cross references, adds those in the same
 * transaction, then inserts the records and sets the references they hold.
 */
jest.setTimeout(180_000);

const PASSWORD = 'Correct-Horse-9!';
type Body = Record<string, unknown>;

interface Site {
  readonly server: TestServer;
  readonly token: string;
}

async function startSite(dialect: 'sqlite' | 'postgres', A: { id: string; code: string }, B: { id: string; code: string }): Promise<Site> {
  const server = await startTestServer(dialect);
  await createSuperadmin(systemContext('test'), server.core, { email: 'root@example.com', password: PASSWORD });
  await insertTwoAccounts(server.core, { A, B });
  return { server, token: await signIn(server.app, 'system', 'root@example.com', PASSWORD) };
}

const sa = (site: Site, method: 'get' | 'post' | 'put', url: string) => request(site.server.app)[method](url).set('Authorization', `Bearer ${site.token}`);
const rowsOf = (site: Site, table: string) =>
  dynamicTenantTable(site.server.core.db.kysely, allAccounts('test reads every account'), table).select().selectAll().orderBy('id').execute() as Promise<Body[]>;
const names = async (site: Site) => (await site.server.core.catalog.all()).map((c) => c.name).sort();

describe.each(TEST_DIALECTS)('import of mutually referencing collections on %s', (dialect) => {
  const A = { id: randomUUID(), code: 'AA0001' };
  const B = { id: randomUUID(), code: 'BB0001' };
  const team = randomUUID();
  const [p1, p2] = [randomUUID(), randomUUID()];
  let source: Site;
  let target: Site;
  let file: Body;

  beforeAll(async () => {
    source = await startSite(dialect, A, B);
    target = await startSite(dialect, A, B);
    const teams = await sa(source, 'post', '/api/v1/collections').send({ name: 'teams', schema: [{ name: 'name', type: 'text' }] }).expect(201);
    await sa(source, 'post', '/api/v1/collections')
      .send({ name: 'players', schema: [{ name: 'name', type: 'text' }, { name: 'team', type: 'reference', collection: 'teams', on_delete: 'set_null' }], list_rule: '' })
      .expect(201);
    // The cycle can only be made in two steps: teams gets its reference once players exists.
    await sa(source, 'put', `/api/v1/collections/${teams.body.id}`)
      .send({ schema: [{ name: 'name', type: 'text' }, { name: 'captain', type: 'reference', collection: 'players', on_delete: 'set_null' }] })
      .expect(200);
    // Rules naming the deferred field must survive the two-pass import.
    await sa(source, 'put', '/api/v1/collections/teams/rules').send({ list_rule: 'captain != ""', view_fields: '["name","captain"]' }).expect(200);
    const insert = (table: string, values: Body) =>
      dynamicTenantTable(source.server.core.db.kysely, accountScope(A.id), table)
        .insert({ created_by: 'u1', updated_by: 'u1', ...values })
        .execute();
    await insert('col_teams', { id: team, name: 'Reds' });
    await insert('col_players', { id: p1, name: 'Ann', team });
    await insert('col_players', { id: p2, name: 'Bob', team });
    await dynamicTenantTable(source.server.core.db.kysely, accountScope(A.id), 'col_teams').update({ captain: p1 }).where('id', '=', team).execute();
    file = JSON.parse((await sa(source, 'get', '/api/v1/collections/export?include_records=true').expect(200)).text) as Body;
  });
  afterAll(async () => {
    await source?.server.close();
    await target?.server.close();
  });

  it('error strategy: imports both in one transaction with their rules, records and references', async () => {
    const res = await sa(target, 'post', '/api/v1/collections/import').send({ data: file }).expect(200);
    expect(res.body).toMatchObject({ success: true, imported_count: 2, failed_count: 0, records_imported: 3, skipped_records: [] });
    const again = JSON.parse((await sa(target, 'get', '/api/v1/collections/export').expect(200)).text) as Body;
    const shape = (f: Body) => (f['collections'] as Body[]).map((c) => ({ name: c['name'], schema: c['schema'], rules: c['rules'] }));
    expect(shape(again)).toEqual(shape(file));
    expect((await rowsOf(target, 'col_teams')).map((r) => [r['id'], r['captain']])).toEqual([[team, p1]]);
    expect((await rowsOf(target, 'col_players')).map((r) => r['team'])).toEqual([team, team]);
    // players comes first in the file, so its `team` was held back: set later, audited as an update.
    await target.server.core.audit.flush();
    const audit = await target.server.core.db.kysely.selectFrom('audit_log').select('operation').distinct().where('table_name', '=', 'col_players').where('record_id', '=', p1).execute();
    expect(audit.map((a) => a.operation).sort()).toEqual(['CREATE', 'UPDATE']);
  });

  it('skip/update strategies: the members of a cycle go in together, and fail together', async () => {
    const rename = (json: Body, suffix: string) =>
      JSON.parse(JSON.stringify(json).replace(/"teams"/g, `"teams${suffix}"`).replace(/"players"/g, `"players${suffix}"`).replace(/"records":\[[^\]]*\]/g, '"records":[]')) as Body;
    const ok = await sa(target, 'post', '/api/v1/collections/import').send({ data: rename(file, '_b'), strategy: 'skip' }).expect(200);
    expect(ok.body).toMatchObject({ success: true, imported_count: 2, failed_count: 0 });
    expect(await names(target)).toEqual(['players', 'players_b', 'teams', 'teams_b']);

    const broken = rename(file, '_c');
    const players = (broken['collections'] as Body[]).find((c) => c['name'] === 'players_c') as Body;
    players['schema'] = [...(players['schema'] as Body[]), { name: 'bad', type: 'no_such_type' }];
    const res = await sa(target, 'post', '/api/v1/collections/import').send({ data: broken, strategy: 'update' }).expect(200);
    expect(res.body).toMatchObject({ success: false, imported_count: 0, failed_count: 2 });
    const teams = (res.body.collections as Body[]).find((c) => c['name'] === 'teams_c');
    expect(teams?.['message']).toMatch(/players_c/);
    expect(await names(target)).toEqual(['players', 'players_b', 'teams', 'teams_b']);
  });
  it('leaves a held-back reference that names no record of its account empty, and reports it', async () => {
    const ref = (name: string, collection: string) => ({ name, type: 'reference', collection, on_delete: 'set_null' });
    const [x1, y1] = [randomUUID(), randomUUID()];
    const data = {
      version: '1.0',
      collections: [
        { name: 'exes', schema: [ref('y', 'whys')], records: [{ id: x1, account_id: A.id, y: y1 }, { id: randomUUID(), account_id: A.id, y: randomUUID() }] },
        // y1 belongs to account B: an A row must not point at it.
        { name: 'whys', schema: [ref('x', 'exes')], records: [{ id: y1, account_id: B.id, x: null }] },
      ],
    };
    // Both have nothing but the reference: the first is created with a placeholder field for a moment.
    const res = await sa(target, 'post', '/api/v1/collections/import').send({ data }).expect(200);
    expect(res.body).toMatchObject({ success: true, imported_count: 2, records_imported: 3 });
    expect(res.body.skipped_records).toHaveLength(2);
    expect(res.body.skipped_records[0]).toMatchObject({ collection: 'exes', account_id: A.id, reason: "reference 'y' left empty: names no record of this account in 'whys'" });
    expect((await rowsOf(target, 'col_exes')).map((r) => r['y'])).toEqual([null, null]);
    expect((await target.server.core.catalog.byName('exes'))?.fields.map((f) => f.name)).toEqual(['y']);
  });
});
