import express, { type NextFunction, type Request, type Response } from 'express';
import { unsupportedMediaType } from '@snackbase/core';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * JSON bodies only, within the size limit: a body with another content type is a 415, one
 * over the limit a 413 (checked while streaming), unparseable JSON a 400. Keys that could
 * reach an object's prototype (`__proto__`, `constructor`, `prototype`) are dropped while
 * parsing; strings with NUL characters are refused (400). Routes that take uploads mount their own parser before this one.
 */
export function jsonBody(limitBytes: number) {
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
  return (req: Request, res: Response, next: NextFunction) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!WITH_BODY.has(req.method) || !hasBody) return next();
    if (!req.is(['application/json', 'application/*+json'])) return next(unsupportedMediaType());
    parse(req, res, next);
  };
}
