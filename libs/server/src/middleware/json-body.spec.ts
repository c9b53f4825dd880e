import express from 'express';
import request from 'supertest';
import { createLogger } from '@snackbase/core';
import { errorHandler } from './error-handler';
import { jsonBody, jsonBodyParser } from './json-body';
import { requestContext } from './request-context';

const logger = createLogger({ level: 'error', format: 'json', silent: true });

/** The app parser, plus a DELETE route that parses its own body as batch delete does. */
function app() {
  const a = express();
  a.use(requestContext(logger), jsonBody(64));
  a.delete('/batch', jsonBodyParser(64, ['DELETE']), (req, res) => void res.json({ body: req.body ?? null }));
  a.delete('/other', (req, res) => void res.json({ body: req.body ?? null }));
  a.use(errorHandler(logger));
  return a;
}

describe('jsonBodyParser on a DELETE route', () => {
  it('parses the DELETE body of that route only', async () => {
    expect((await request(app()).delete('/batch').send({ ids: ['a'] }).expect(200)).body).toEqual({ body: { ids: ['a'] } });
    expect((await request(app()).delete('/other').send({ ids: ['a'] }).expect(200)).body).toEqual({ body: null });
  });

  it('refuses what the app parser refuses: other content types, oversize bodies, NUL', async () => {
    await request(app()).delete('/batch').set('content-type', 'text/plain').send('ids').expect(415);
    await request(app()).delete('/batch').send({ ids: ['x'.repeat(100)] }).expect(413);
    await request(app()).delete('/batch').set('content-type', 'application/json').send('{"ids":["a\\u0000"]}').expect(400);
  });

  it('drops prototype keys', async () => {
    const res = await request(app()).delete('/batch').set('content-type', 'application/json').send('{"__proto__":{"x":1},"ids":[]}').expect(200);
    expect(res.body).toEqual({ body: { ids: [] } });
  });
});
