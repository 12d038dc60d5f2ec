// A failed file operation (Node's system errors: ENOENT, EACCES, …) as one line that names the file,
// worded as the C tools print strerror(), instead of Node's stack trace.

const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory', EACCES: 'Permission denied', EPERM: 'Operation not permitted',
  EISDIR: 'Is a directory', ENOTDIR: 'Not a directory', EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device', EEXIST: 'File exists', EFBIG: 'File too large', EIO: 'Input/output error',
  EMFILE: 'Too many open files', ENAMETOOLONG: 'File name too long', ELOOP: 'Too many levels of symbolic links',
};

export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

/** strerror()'s text for the error's code (Node's own message for codes not listed). */
export function strerror(e: NodeJS.ErrnoException): string {
  return STRERROR[e.code ?? ''] ?? e.message;
}

/** "cannot open x: No such file or directory" for a system error of `open` on x. */
export function describeSystemError(e: NodeJS.ErrnoException): string {
  const verb = e.syscall === 'unlink' || e.syscall === 'rmdir' ? 'remove' : e.syscall === 'mkdir' ? 'create directory' : e.syscall;
  return `cannot ${verb}${e.path ? ` ${e.path}` : ''}: ${strerror(e)}`;
}
