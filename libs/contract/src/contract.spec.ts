import Ajv from 'ajv';
import { ERROR_CODES, apiInfoResponseSchema, errorBodySchema, healthResponseSchema, liveResponseSchema, readyResponseSchema } from './index';

describe('contract', () => {
  it('error codes are unique snake_case', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const code of ERROR_CODES) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it.each([
    ['ErrorBody', errorBodySchema, { error: 'Not found', message: 'x', code: 'not_found', request_id: 'cid_1' }, { error: 'x', message: 'y' }],
    ['HealthResponse', healthResponseSchema, { status: 'healthy', service: 'SnackBase', version: '1', audit_logging_enabled: true }, { status: 'ok' }],
    ['ReadyResponse', readyResponseSchema, { status: 'not_ready', service: 'SnackBase', database: 'disconnected' }, { status: 'ready', service: 'S', database: 'maybe' }],
    ['LiveResponse', liveResponseSchema, { status: 'alive', service: 'S', version: '1' }, { status: 'alive' }],
    ['ApiInfoResponse', apiInfoResponseSchema, { name: 'SnackBase', version: '1', api_version: 'v1' }, { name: 'S', version: '1', api_version: 'v2' }],
  ])('%s schema compiles, accepts a good value and refuses a bad one', (_name, schema, good, bad) => {
    const validate = new Ajv({ strict: true }).compile(schema);
    expect(validate(good)).toBe(true);
    expect(validate(bad)).toBe(false);
  });
});
