import express from 'express';
import request from 'supertest';
import { commonLiteralPrefix, mountSection } from './route-section';

describe('commonLiteralPrefix', () => {
  it.each([
    [['/api/v1/records/:c', '/api/v1/records/:c/:id'], '/api/v1/records'],
    [['/api/v1/collections/names', '/api/v1/collections/:id'], '/api/v1/collections'],
    [['/api/v1/auth/login', '/api/v1/me'], '/api/v1'],
    [['/api/v1/records/:c'], '/api/v1/records'],
    [['/api/v1/{*splat}'], '/api/v1'],
    [['/a/b', undefined], ''],
    [['relative'], ''],
    [['/x', '/y'], ''],
    [[], ''],
  ] as [(string | undefined)[], string][])('%j → %j', (paths, prefix) => expect(commonLiteralPrefix(paths)).toBe(prefix));
});

describe('mountSection', () => {
  const app = express();
  const parent = express.Router();
  mountSection(parent, (r) => {
    r.get('/api/v1/records/:c', (req, res) => void res.json({ section: 'records', c: req.params['c'] }));
    r.post('/api/v1/records/:c', (_req, res) => void res.status(201).json({ created: true }));
  });
  // A module with a path-less middleware is mounted unchecked, so that middleware still runs.
  mountSection(parent, (r) => {
    r.use((_req, res, next) => {
      res.setHeader('x-pathless', 'ran');
      next();
    });
    r.get('/api/v1/other', (_req, res) => void res.json({ section: 'other' }));
  });
  mountSection(parent, (r) => r.get('/api/v1/records/special/:c', (_req, res) => void res.json({ section: 'later' })));
  app.use(parent);
  app.use((_req, res) => void res.status(404).json({ missing: true }));

  it('routes a request to its section, with params', async () => {
    await request(app).get('/api/v1/records/posts').expect(200, { section: 'records', c: 'posts' });
    await request(app).post('/api/v1/records/posts').expect(201);
  });

  it('matches the prefix as Express matches routes: ignoring case and a trailing slash', async () => {
    await request(app).get('/API/V1/Records/posts/').expect(200, { section: 'records', c: 'posts' });
  });

  it('passes on what no route of the section takes, to later sections and the 404', async () => {
    await request(app).get('/api/v1/records/posts/extra').expect(404);
    await request(app).get('/api/v1/recordsx/posts').expect(404);
    await request(app).get('/api/v1/other').expect(200, { section: 'other' }).expect('x-pathless', 'ran');
    await request(app).get('/api/v1/records/special/x').expect(200, { section: 'later' });
  });
});
