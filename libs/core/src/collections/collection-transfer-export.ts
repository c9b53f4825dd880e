import type { Kysely } from 'kysely';
import type { GlobalDatabase } from '@snackbase/db';
import { rulesOnly, type CollectionModel } from './collection-model';
import { recordPages } from './collection-transfer-records';

/** The export format version; an import accepts any `1.x` (spec §3.7). */
export const EXPORT_VERSION = '1.0';

/** Something a long export or import reports as it goes (the CLI prints these). */
export type TransferProgress =
  | { readonly kind: 'collection'; readonly index: number; readonly total: number; readonly name: string; readonly status?: string }
  | { readonly kind: 'records'; readonly name: string; readonly count: number };

/** `collections_export_YYYYMMDD_HHMMSS.json` in UTC (spec §3.7). */
export function exportFileName(at: Date): string {
  const iso = at.toISOString();
  return `collections_export_${iso.slice(0, 10).replace(/-/g, '')}_${iso.slice(11, 19).replace(/:/g, '')}.json`;
}

/** `JSON.stringify(value, null, 2)` re-indented to sit `depth` levels deep in the file. */
function pretty(value: unknown, depth: number): string {
  const pad = '  '.repeat(depth);
  return pad + JSON.stringify(value, null, 2).replace(/\n/g, `\n${pad}`);
}

/** An object's pretty JSON without its closing brace, so more keys can be streamed after it. */
function openObject(value: Record<string, unknown>, depth: number): string {
  const text = pretty(value, depth);
  return text.slice(0, text.lastIndexOf('\n'));
}

export interface ExportStreamInput {
  readonly db: Kysely<GlobalDatabase>;
  readonly models: readonly CollectionModel[];
  readonly exportedBy: string;
  readonly includeRecords: boolean;
  readonly at: Date;
  readonly onProgress?: (p: TransferProgress) => void;
}

/**
 * The export file (spec §3.7, pretty with a 2-space indent) as text chunks: the header, then
 * each collection, then (with records) its rows page by page, so memory stays flat whatever
 * the size of the tables. The whole output is one valid JSON document.
 */
export async function* exportChunks(input: ExportStreamInput): AsyncGenerator<string> {
  const header = { version: EXPORT_VERSION, exported_at: input.at.toISOString(), exported_by: input.exportedBy, collections: [] };
  const head = JSON.stringify(header, null, 2);
  // Everything up to the empty collections array's `[`.
  yield head.slice(0, head.lastIndexOf('[') + 1);
  for (const [i, model] of input.models.entries()) {
    input.onProgress?.({ kind: 'collection', index: i + 1, total: input.models.length, name: model.name });
    const entry = { name: model.name, schema: model.fields, rules: rulesOnly(model.rules) };
    yield `${i === 0 ? '' : ','}\n`;
    if (!input.includeRecords) {
      yield pretty(entry, 2);
      continue;
    }
    yield `${openObject(entry, 2)},\n      "records": [`;
    let count = 0;
    for await (const page of recordPages(input.db, model)) {
      yield page.map((r) => `${count++ === 0 ? '' : ','}\n${pretty(r, 4)}`).join('');
      input.onProgress?.({ kind: 'records', name: model.name, count });
    }
    yield `${count === 0 ? '' : '\n      '}]\n    }`;
  }
  yield `${input.models.length === 0 ? '' : '\n  '}]\n}\n`;
}
