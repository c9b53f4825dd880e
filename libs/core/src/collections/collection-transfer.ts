import type { CollectionExportFile, CollectionImportResponse, ImportStrategy } from '@snackbase/contract';
import type { RequestContext } from '../context';
import { forbidden, unauthorized } from '../errors';
import { exportChunks, exportFileName, type TransferProgress } from './collection-transfer-export';
import { importCollections, type ImportDeps } from './collection-transfer-import';

export interface ExportRequest {
  /** Collection ids to export; all when absent or empty; unknown ids are skipped. */
  readonly collectionIds?: readonly string[];
  /** Also export every record of every account (default false). */
  readonly includeRecords?: boolean;
  readonly onProgress?: (p: TransferProgress) => void;
}

export interface ExportResult {
  /** `collections_export_YYYYMMDD_HHMMSS.json`, for `Content-Disposition`. */
  readonly fileName: string;
  /** How many collections the file holds. */
  readonly collections: number;
  /** The file as text chunks, read from the database as they are consumed. */
  readonly chunks: AsyncIterable<string>;
}

export interface ImportRequest {
  readonly file: CollectionExportFile;
  readonly strategy?: ImportStrategy;
  readonly onProgress?: (p: TransferProgress) => void;
}

/** Export and import of collection definitions, rules and records (spec §3.7); superadmins only. */
export interface CollectionTransfer {
  exportCollections(ctx: RequestContext, request: ExportRequest): Promise<ExportResult>;
  importCollections(ctx: RequestContext, request: ImportRequest): Promise<CollectionImportResponse>;
}

function superadminEmail(ctx: RequestContext): string {
  const p = ctx.principal;
  if (p.kind !== 'user') throw unauthorized();
  if (!p.isSuperadmin) throw forbidden('Superadmin access required');
  return p.email;
}

/** What export and import need: what the collections admin needs, and a logger. */
export type CollectionTransferDeps = ImportDeps;

/**
 * @example
 * const transfer = createCollectionTransfer({ db, catalog, audit, hooks, macros, logger });
 * const file = await transfer.exportCollections(ctx, { includeRecords: true });
 * for await (const chunk of file.chunks) out.write(chunk);
 */
export function createCollectionTransfer(deps: CollectionTransferDeps): CollectionTransfer {
  return {
    async exportCollections(ctx, request) {
      const exportedBy = superadminEmail(ctx);
      const wanted = new Set(request.collectionIds ?? []);
      const models = (await deps.catalog.all()).filter((m) => wanted.size === 0 || wanted.has(m.id));
      const at = new Date();
      const chunks = exportChunks({ db: deps.db.kysely, models, exportedBy, includeRecords: request.includeRecords === true, at, onProgress: request.onProgress });
      return { fileName: exportFileName(at), collections: models.length, chunks };
    },
    async importCollections(ctx, request) {
      superadminEmail(ctx);
      return importCollections(deps, ctx, { file: request.file, strategy: request.strategy ?? 'error', onProgress: request.onProgress });
    },
  };
}
