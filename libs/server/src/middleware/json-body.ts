import express, { type NextFunction, type Request, type Response } from 'express';
import { unsupportedMediaType } from '@snackbase/core';

/** The methods whose bodies the app-wide parser reads; other methods' bodies are left unread. */
const WITH_BODY: readonly string[] = ['POST', 'PUT', 'PATCH'];
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A JSON body parser for requests of `methods`, within the size limit: a body with another
 * content type is a 415, one over the limit a 413 (checked while streaming), unparseable JSON a
 * 400. Keys that could reach an object's prototype (`__proto__`, `constructor`, `prototype`) are
 * dropped while parsing; strings with NUL characters are refused (400). A body an earlier parser
 * has already read is left as it is. One factory, so a route that needs a body on another method
 * (batch delete) gets exactly the app's limit and refusals.
 */
export function jsonBodyParser(limitBytes: number, methods: readonly string[]) {
  const parse = express.json({
    limit: limitBytes,
    strict: false,
    type: () => true,
    reviver: (key, value) => {
      // PostgreSQL cannot store NUL in text; refusing it here keeps both dialects alike.
      if (typeof value === 'string' && value.includes('\u0000')) throw new SyntaxError('NUL characters are not allowed');
      return FORBIDDEN_KEYS.has(key) ? undefined : value;
    },
  });
  const parsed = new Set(methods);
  return (req: Request, res: Response, next: NextFunction) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!parsed.has(req.method) || !hasBody || (req as { _body?: boolean })._body) return next();
    if (!req.is(['application/json', 'application/*+json'])) return next(unsupportedMediaType());
    parse(req, res, next);
  };
}

/**
 * The app-wide parser: POST, PUT and PATCH bodies (see {@link jsonBodyParser}). Routes that take
 * uploads mount their own parser before this one.
 */
export function jsonBody(limitBytes: number) {
  return jsonBodyParser(limitBytes, WITH_BODY);
}
