/** The `files:*` channels: argument schemas and the FileService methods behind them. */
import * as z from 'zod';
import { designFileSchema } from '../../../../shared/model/schema.ts';
import { MAX_FILE_BYTES } from '../../../../shared/model/file.ts';
import type { DesignFile } from '../../../../shared/model/types.ts';
import type { FileService } from '../../files/fileService.ts';
import { schemaCheckedDesign } from '../../files/fileService.ts';
import type { DomainHandlers } from '../registry.ts';

const handle = z.string().min(1).max(4096);
const name = z.string().min(1).max(255);
// The schema's output type is structurally a DesignFile; the cast names it so. Its output object is
// new (zod copies what it parses) and reaches the FileService untouched, which is told so and does
// not run the same 20,000-host check a second time.
const design = designFileSchema.transform((file) => schemaCheckedDesign(file as DesignFile)) as unknown as z.ZodType<DesignFile>;
const none = z.tuple([]);

export function filesDomain(files: FileService): DomainHandlers<'files'> {
  return {
    open: { args: none, handle: () => files.open() },
    openRecent: { args: z.tuple([handle]), handle: (h) => files.openRecent(h) },
    save: { args: z.tuple([handle, design]), handle: (h, f) => files.save(h, f) },
    saveAs: {
      args: z.tuple([design, name, z.strictObject({ overwrite: z.boolean().optional() }).optional()]),
      handle: (f, n, o) => files.saveAs(f, n, o),
    },
    recent: { args: none, handle: () => files.recent() },
    list: { args: none, handle: () => files.list() },
    openNamed: { args: z.tuple([name]), handle: (n) => files.openNamed(n) },
    importText: { args: z.tuple([name, z.string().max(MAX_FILE_BYTES)]), handle: (n, t) => files.importText(n, t) },
    autosave: { args: z.tuple([design, handle.nullable()]), handle: (f, h) => files.autosave(f, h) },
    recover: { args: none, handle: () => files.recover() },
    clearAutosave: { args: none, handle: () => files.clearAutosave() },
  };
}
