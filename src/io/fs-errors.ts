/** Node's file-system error codes in words, for one-line messages ("no such file", ...). */
const REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EEXIST: 'it already exists',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code && REASONS[code]) return REASONS[code];
  return e instanceof Error ? e.message : String(e);
}

/** A file or folder that cannot be read or written, said in one line with the fix. */
export class FileError extends Error {
  override name = 'FileError';
}
