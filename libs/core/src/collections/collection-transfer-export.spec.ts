import { exportFileName } from './collection-transfer-export';

describe('exportFileName', () => {
  it('is collections_export_YYYYMMDD_HHMMSS.json in UTC', () => {
    expect(exportFileName(new Date('2026-03-04T05:06:07.890Z'))).toBe('collections_export_20260304_050607.json');
  });
});
