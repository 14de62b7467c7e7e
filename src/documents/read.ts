/**
 * Reading a changed file from the workspace, refusing what should not be parsed: links that lead
 * out of the workspace, anything that is not a regular file (a FIFO would block the read forever),
 * files over the size limit (checked before reading, so a 2 GB sparse file costs nothing), and
 * content that is binary or not UTF-8.
 */
import { constants } from 'node:fs'
import { open, realpath } from 'node:fs/promises'
import path from 'node:path'

export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024

export interface ReadOptions {
  /** Largest file read, in bytes. */
  maxFileSize?: number
}

export type ReadResult = { text: string } | { error: string }

function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${bytes} bytes`
}

function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}

/** Reads `relPath` (relative to `workspace`) as UTF-8 text, or says why it will not. */
export async function readDocumentFile(
  workspace: string,
  relPath: string,
  options: ReadOptions = {}
): Promise<ReadResult> {
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE
  let root: string
  try {
    root = await realpath(workspace)
  } catch (error) {
    return { error: `cannot open the workspace ${workspace}: ${(error as Error).message}` }
  }
  const requested = path.resolve(root, relPath)
  if (!isInside(root, requested)) {
    return { error: `${relPath} is outside the workspace ${workspace}; it is not read.` }
  }

  let resolved: string
  try {
    resolved = await realpath(requested)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') {
      return {
        error: `${relPath} does not exist in the workspace (deleted, or a link to a missing file).`
      }
    }
    return { error: `cannot resolve ${relPath}: ${(error as Error).message}` }
  }
  if (!isInside(root, resolved)) {
    return {
      error:
        `${relPath} is a symbolic link to ${resolved}, outside the workspace; policy-gate does ` +
        'not follow links out of the repository. Commit the file itself instead of a link.'
    }
  }

  // O_NONBLOCK: opening a FIFO that replaced the file since realpath must not hang; O_NOFOLLOW:
  // nor may a link that replaced it. The type is then checked on the open descriptor.
  let handle
  try {
    handle = await open(resolved, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW)
  } catch (error) {
    return { error: `cannot open ${relPath}: ${(error as Error).message}` }
  }
  try {
    const stats = await handle.stat()
    if (!stats.isFile()) {
      const kind = stats.isDirectory()
        ? 'a directory'
        : stats.isFIFO()
          ? 'a named pipe (FIFO)'
          : stats.isSocket()
            ? 'a socket'
            : 'a device or other special file'
      return { error: `${relPath} is ${kind}, not a regular file; it is not read.` }
    }
    if (stats.size > maxFileSize) {
      return {
        error:
          `${relPath} is ${formatSize(stats.size)}, over the ${formatSize(maxFileSize)} limit; it ` +
          'is not parsed. Raise the file size limit or exclude the file.'
      }
    }
    // Read at most one byte past the limit: a file growing after stat is still caught.
    const buffer = Buffer.alloc(Math.min(stats.size, maxFileSize) + 1)
    let length = 0
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
      if (length === buffer.length) break
    }
    if (length > maxFileSize) {
      return {
        error: `${relPath} grew past the ${formatSize(maxFileSize)} limit while being read; it is not parsed.`
      }
    }
    return decode(relPath, buffer.subarray(0, length))
  } finally {
    await handle.close()
  }
}

/** UTF-8 text, or an error for binary (NUL bytes) or non-UTF-8 content. */
export function decode(relPath: string, bytes: Uint8Array): ReadResult {
  const nul = bytes.indexOf(0)
  if (nul !== -1) {
    return {
      error: `${relPath} looks binary (a NUL byte at offset ${nul}); only text files are parsed.`
    }
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) }
  } catch {
    return {
      error: `${relPath} is not valid UTF-8 text; re-encode it as UTF-8 to have it checked.`
    }
  }
}
