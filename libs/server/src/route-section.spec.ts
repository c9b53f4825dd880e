import express from 'express';
import request from 'supertest';
import { commonLiteralPrefix, mountSections } from './route-section';

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

describe('mountSections', () => {
  const app = express();
  const parent = express.Router();
  mountSections(parent, [
    (r) => {
      r.get('/api/v1/records/:c', (req, res) => void res.json({ section: 'records', c: req.params['c'] }));
      r.post('/api/v1/records/:c', (_req, res) => void res.status(201).json({ created: true }));
      r.get('/api/v1/records/:c/fail', () => {
        throw new Error('handler failed');
      });
    },
    // A module with a path-less middleware is mounted unchecked, so that middleware still runs.
    (r) => {
      r.use((_req, res, next) => {
        res.setHeader('x-pathless', 'ran');
        next();
      });
      r.get('/api/v1/other', (_req, res) => void res.json({ section: 'other' }));
    },
    (r) => {
      // A section that leaves itself early ('router') lets the later ones try.
      r.get('/api/v1/records/special/:c', (req, _res, next) => (req.params['c'] === 'skip' ? next('router') : next()));
      r.get('/api/v1/records/special/:c', (_req, res) => void res.json({ section: 'later' }));
    },
    (r) => r.get('/api/v1/records/special/skip', (req, res) => void res.json({ section: 'last', url: req.url })),
  ]);
  // Something mounted after the sections in the same router still runs for what they leave.
  parent.get('/api/v1/after', (_req, res) => void res.json({ after: true }));
  app.use(parent);
  app.use((_req, res) => void res.status(404).json({ missing: true }));
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => void res.status(500).json({ error: err.message }));

  it('routes a request to its section, with params', async () => {
    await request(app).get('/api/v1/records/posts').expect(200, { section: 'records', c: 'posts' });
    await request(app).post('/api/v1/records/posts').expect(201);
  });

  it('matches the prefix as Express matches routes: ignoring case and a trailing slash', async () => {
    await request(app).get('/API/V1/Records/posts/').expect(200, { section: 'records', c: 'posts' });
  });

  it('passes on what no route of the section takes, to later sections, later layers and the 404', async () => {
    await request(app).get('/api/v1/records/posts/extra').expect(404);
    await request(app).get('/api/v1/recordsx/posts').expect(404);
    await request(app).get('/api/v1/other').expect(200, { section: 'other' }).expect('x-pathless', 'ran');
    await request(app).get('/api/v1/records/special/x').expect(200, { section: 'later' });
    await request(app).get('/api/v1/after').expect(200, { after: true });
  });

  it('lets a later section take what an earlier one left with next("router"), with the URL as it came', async () => {
    await request(app).get('/api/v1/records/special/skip').expect(200, { section: 'last', url: '/api/v1/records/special/skip' });
  });

  it('hands an error of a section straight to the error handlers', async () => {
    await request(app).get('/api/v1/records/posts/fail').expect(500, { error: 'handler failed' });
  });
});
