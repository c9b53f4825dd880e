import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { invalidRequest } from '@snackbase/core';
import { requireSuperadmin, requireUser } from '../middleware/authenticate';

/** A JSON Schema object (draft 2020-12 subset that ajv and OpenAPI 3.1 share). */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** One route: the schemas that validate it are the ones the OpenAPI document shows. */
export interface RouteSpec {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path, e.g. `/api/v1/things/:id`. */
  readonly path: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly body?: JsonSchema;
  readonly query?: JsonSchema;
  /** Response schemas by status; the `$id` of a schema becomes its component name. */
  readonly responses: Readonly<Record<number, { readonly description: string; readonly schema?: JsonSchema }>>;
  readonly security?: 'none' | 'bearer';
  /**
   * Who may call the route, checked BEFORE the body and query are validated, so a caller who may
   * not use a route learns nothing about its shape: anonymous → 401, a tenant user on a
   * superadmin route → 403. Omitted: the handler decides (public routes, or its own checks).
   */
  readonly access?: 'user' | 'superadmin';
  readonly handler: (req: Request, res: Response) => Promise<void> | void;
}

function guard(access: 'user' | 'superadmin'): RequestHandler {
  const check = access === 'superadmin' ? requireSuperadmin : requireUser;
  return (_req, res, next) => {
    try {
      check(res);
      next();
    } catch (e) {
      next(e);
    }
  };
}

function toDetails(errors: ErrorObject[] | null | undefined, where: string) {
  return (errors ?? []).map((e) => ({
    field: [where, ...e.instancePath.split('/').filter(Boolean)].join('.') || where,
    message: e.message ?? 'is invalid',
    code: e.keyword,
  }));
}

/**
 * Registers routes on an Express router, validating bodies and queries with ajv before the
 * handler runs (422 with details when they do not match), and remembers every route for the
 * OpenAPI document.
 */
export class RouteRegistry {
  readonly #routes: RouteSpec[] = [];
  readonly #ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, removeAdditional: false });

  get routes(): readonly RouteSpec[] {
    return this.#routes;
  }

  add(router: Router, spec: RouteSpec): void {
    this.#routes.push(spec);
    const validators: RequestHandler[] = [];
    if (spec.access) validators.push(guard(spec.access));
    if (spec.body) validators.push(this.#validator(spec.body, 'body'));
    if (spec.query) validators.push(this.#validator(spec.query, 'query'));
    router[spec.method](spec.path, ...validators, async (req: Request, res: Response, next: NextFunction) => {
      try {
        await spec.handler(req, res);
      } catch (e) {
        next(e);
      }
    });
  }

  #validator(schema: JsonSchema, where: 'body' | 'query'): RequestHandler {
    const validate: ValidateFunction = this.#ajv.compile(schema);
    return (req, _res, next) => {
      // No body at all reads as {}; an explicit JSON null is a value of the wrong shape (422).
      const value = where === 'body' ? (req.body === undefined ? {} : req.body) : req.query;
      if (validate(value)) return next();
      next(invalidRequest(toDetails(validate.errors, where)));
    };
  }
}
