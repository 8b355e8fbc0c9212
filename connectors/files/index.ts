export {
  createFileSink,
  FILE_FORMATS,
  folderOfFileUrl,
  isFileFormat,
  SCHEMA_FILE_NAME,
  type FileFormat,
} from './file-sink.js';
export type { SchemaFile, SchemaFileColumn, SchemaFileTable } from './schema-file.js';
