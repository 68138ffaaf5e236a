/**
 * File names of the file exporter: `<service>.<type>.<start-time>.pb.gz`, with the start time
 * in UTC as `YYYYMMDDTHHMMSS.mmmZ` so names sort chronologically.
 */

/** Matches every file the exporter writes; group 1 is the start time. */
export const PROFILE_FILE_PATTERN = /^.+\.[A-Za-z0-9_-]+\.(\d{8}T\d{6}\.\d{3}Z)\.pb\.gz$/;

/** The file name for one profile. `service` and `type` are reduced to file-name-safe characters. */
export function profileFileName(service: string, type: string, startNanos: bigint): string {
  const svc = service.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_') || 'unknown_service';
  const t = type.replace(/[^A-Za-z0-9_-]/g, '_') || 'profile';
  return `${svc}.${t}.${formatStart(startNanos)}.pb.gz`;
}

/** `YYYYMMDDTHHMMSS.mmmZ` (UTC) of an epoch-nanosecond time. */
export function formatStart(startNanos: bigint): string {
  const iso = new Date(Number(startNanos / 1_000_000n)).toISOString(); // 2026-11-22T06:30:00.123Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 23)}Z`;
}
