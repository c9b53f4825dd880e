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

/** One module's routes and the check of their shared prefix (none: the section takes every path). */
interface Section {
  readonly matches: RegExp | undefined;
  readonly router: Router;
}

function buildSection(register: (router: Router) => void): Section {
  const router = express.Router();
  const paths: (string | undefined)[] = [];
  const methods = router as unknown as Record<(typeof REGISTERING_METHODS)[number], (...args: unknown[]) => unknown>;
  for (const method of REGISTERING_METHODS) {
    const original = methods[method].bind(router);
    methods[method] = (first: unknown, ...rest: unknown[]) => {
      paths.push(typeof first === 'string' ? first : undefined);
      return original(first, ...rest);
    };
  }
  register(router);
  const prefix = commonLiteralPrefix(paths);
  return { router, matches: prefix ? new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:/|$)`, 'i') : undefined };
}

/**
 * Mounts each module's routes (one `register` per module, in order) behind one check of their
 * shared path prefix, all in one layer of `parent`. Express tries every route of a router in
 * turn, so a request for the routes registered last (the records, the API's busiest) tested
 * each of some 150 route patterns first; behind sections it tests one prefix per module. And
 * the sections are one layer, not one each: every layer Express passes allocates (its match,
 * params and a continuation closure), which had made the router a third of the server's
 * allocations under a read benchmark. A request goes to the first section whose prefix matches;
 * what no route of it takes goes on to the later sections (several share `/collections`), then
 * past `parent`'s layer; an error goes straight on to the error handlers, as Express would pass
 * it. The prefix is read from the paths `register` passes to the router, so a section can never
 * hide one of its own routes; a module that registers a path-less middleware is mounted without
 * a check. Like Express's default routing, the check ignores case and a trailing slash.
 * @example mountSections(api, [(r) => registerRecordsReadRoutes(registry, r, core), (r) => registerRecordsWriteRoutes(registry, r, core)]);
 */
export function mountSections(parent: Router, registers: readonly ((router: Router) => void)[]): void {
  const sections = registers.map(buildSection);
  parent.use((req: Request, res: Response, next: NextFunction) => {
    // A section's router restores req.url before it passes a request on: read the path once.
    const path = req.path;
    let i = 0;
    const onward = (err?: unknown): void => {
      // 'router' (a section leaving itself) means go on, like no route taking the request.
      if (err !== undefined && err !== null && err !== 'router') return next(err);
      while (i < sections.length) {
        const section = sections[i++] as Section;
        if (!section.matches || section.matches.test(path)) {
          section.router(req, res, onward);
          return;
        }
      }
      next();
    };
    onward();
  });
}
