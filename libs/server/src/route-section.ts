import express, { type NextFunction, type Request, type Response, type Router } from 'express';

const REGISTERING_METHODS = ['all', 'get', 'post', 'put', 'patch', 'delete', 'use'] as const;

/**
 * The leading literal path segments every path in `paths` shares (`/api/v1/records` for
 * `/api/v1/records/:c` and `/api/v1/records/:c/:id`), or '' when a path is not a plain string
 * or they share nothing. Segments with a parameter or wildcard end the literal part.
 */
export function commonLiteralPrefix(paths: readonly (string | undefined)[]): string {
  let common: string[] | undefined;
  for (const path of paths) {
    if (path === undefined || !path.startsWith('/')) return '';
    const literal: string[] = [];
    for (const segment of path.split('/').slice(1)) {
      if (/[:*{}()?]/.test(segment)) break;
      literal.push(segment);
    }
    if (common === undefined) {
      common = literal;
      continue;
    }
    const mismatch = common.findIndex((s, i) => s !== literal[i]);
    if (mismatch >= 0) common = common.slice(0, mismatch);
  }
  return common && common.length > 0 ? `/${common.join('/')}` : '';
}

/**
 * Mounts the routes `register` adds behind one check of their shared path prefix. Express tries
 * every route of a router in turn, so a request for the routes registered last (the records,
 * the API's busiest) tested each of some 150 route patterns first; behind sections it tests one
 * prefix per module. The prefix is read from the paths `register` passes to the router, so a
 * section can never hide one of its own routes; a module that registers a path-less middleware
 * is mounted without a check. Like Express's default routing, the check ignores case and a
 * trailing slash.
 * @example mountSection(api, (r) => registerRecordsReadRoutes(registry, r, core));
 */
export function mountSection(parent: Router, register: (router: Router) => void): void {
  const section = express.Router();
  const paths: (string | undefined)[] = [];
  const methods = section as unknown as Record<(typeof REGISTERING_METHODS)[number], (...args: unknown[]) => unknown>;
  for (const method of REGISTERING_METHODS) {
    const original = methods[method].bind(section);
    methods[method] = (first: unknown, ...rest: unknown[]) => {
      paths.push(typeof first === 'string' ? first : undefined);
      return original(first, ...rest);
    };
  }
  register(section);
  const prefix = commonLiteralPrefix(paths);
  if (!prefix) {
    parent.use(section);
    return;
  }
  const matches = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:/|$)`, 'i');
  parent.use((req: Request, res: Response, next: NextFunction) => (matches.test(req.path) ? section(req, res, next) : next()));
}
