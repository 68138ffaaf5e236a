/** The file exporter: `<dir>/<service>.<type>.<start-time>.pb.gz`, bounded by file count and bytes. */
export { FileExporter, type FileExporterOptions } from './exporter';
export { PROFILE_FILE_PATTERN, profileFileName } from './naming';
