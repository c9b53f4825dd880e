import { redactConfig } from '@snackbase/core';
import { boot } from './boot';

/** `snackbase info`: the effective configuration, secrets and passwords redacted. */
export function infoCommand(): void {
  const b = boot();
  console.log(JSON.stringify(redactConfig(b.config), null, 2));
}
