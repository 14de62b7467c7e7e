import { beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, symlink, truncate, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { decode, readDocumentFile } from '../src/documents/read.js'

let workspace: string
let outside: string

beforeAll(async () => {
  workspace = await mkdtemp(path.join(os.tmpdir(), 'read-workspace-'))
  outside = await mkdtemp(path.join(os.tmpdir(), 'read-outside-'))
  await mkdir(path.join(workspace, 'k8s'))
  await writeFile(path.join(workspace, 'k8s', 'pod.yaml'), 'kind: Pod\n')
  await writeFile(path.join(outside, 'secret.yaml'), 'password: hunter2\n')
  // A FIFO outside: were the link followed and the target opened, the read would block forever.
  execFileSync('mkfifo', [path.join(outside, 'pipe.yaml')])
  execFileSync('mkfifo', [path.join(workspace, 'pipe.yaml')])
  await symlink(path.join(outside, 'secret.yaml'), path.join(workspace, 'secret.yaml'))
  await symlink(path.join(outside, 'pipe.yaml'), path.join(workspace, 'outside-pipe.yaml'))
  await symlink('k8s/pod.yaml', path.join(workspace, 'inside-link.yaml'))
  await symlink(outside, path.join(workspace, 'k8s', 'escape'))
})

describe('readDocumentFile', () => {
  it('reads a regular file as text', async () => {
    expect(await readDocumentFile(workspace, 'k8s/pod.yaml')).toEqual({ text: 'kind: Pod\n' })
  })

  it('follows a link that stays inside the workspace', async () => {
    expect(await readDocumentFile(workspace, 'inside-link.yaml')).toEqual({ text: 'kind: Pod\n' })
  })

  it('refuses a link that leads out of the workspace, without reading it', async () => {
    const result = await readDocumentFile(workspace, 'secret.yaml')
    expect(result).toEqual({
      error: expect.stringMatching(
        /^secret\.yaml is a symbolic link to .*secret\.yaml, outside the workspace; .*Commit the file itself/
      )
    })
    expect(JSON.stringify(result)).not.toContain('hunter2')
  })

  it('refuses a link to a FIFO outside, without opening it (this would hang otherwise)', async () => {
    const result = await readDocumentFile(workspace, 'outside-pipe.yaml')
    expect('error' in result && result.error).toMatch(/outside the workspace/)
  })

  it('refuses a path through a linked directory that leads outside', async () => {
    const result = await readDocumentFile(workspace, 'k8s/escape/secret.yaml')
    expect('error' in result && result.error).toMatch(/outside the workspace/)
  })

  it('refuses a relative path that climbs out of the workspace', async () => {
    const result = await readDocumentFile(workspace, '../etc/passwd')
    expect('error' in result && result.error).toMatch(/is outside the workspace/)
  })

  it('refuses a FIFO without blocking', async () => {
    const result = await readDocumentFile(workspace, 'pipe.yaml')
    expect(result).toEqual({
      error: 'pipe.yaml is a named pipe (FIFO), not a regular file; it is not read.'
    })
  })

  it('refuses a directory and a device', async () => {
    expect(await readDocumentFile(workspace, 'k8s')).toEqual({
      error: 'k8s is a directory, not a regular file; it is not read.'
    })
    const root = path.parse(workspace).root
    const device = await readDocumentFile(root, 'dev/null')
    expect('error' in device && device.error).toMatch(/a device or other special file/)
  })

  it('checks the size before reading: a 2 GB sparse file costs nothing', async () => {
    await writeFile(path.join(workspace, 'huge.yaml'), '')
    await truncate(path.join(workspace, 'huge.yaml'), 2 * 1024 * 1024 * 1024)
    const started = Date.now()
    const result = await readDocumentFile(workspace, 'huge.yaml')
    expect(Date.now() - started).toBeLessThan(5000) // reading 2 GB would take far longer
    expect(result).toEqual({
      error:
        'huge.yaml is 2048.0 MB, over the 5.0 MB limit; it is not parsed. Raise the file size limit or exclude the file.'
    })
  })

  it('accepts a file of exactly the limit and refuses one byte more', async () => {
    await writeFile(path.join(workspace, 'limit.yaml'), 'a'.repeat(100))
    expect(await readDocumentFile(workspace, 'limit.yaml', { maxFileSize: 100 })).toEqual({
      text: 'a'.repeat(100)
    })
    const over = await readDocumentFile(workspace, 'limit.yaml', { maxFileSize: 99 })
    expect('error' in over && over.error).toMatch(/is 100 bytes, over the 99 bytes limit/)
  })

  it('says when a file does not exist', async () => {
    expect(await readDocumentFile(workspace, 'gone.yaml')).toEqual({
      error: 'gone.yaml does not exist in the workspace (deleted, or a link to a missing file).'
    })
  })
})

describe('decode', () => {
  it('refuses binary content, naming where the NUL byte is', () => {
    expect(decode('a.bin', Uint8Array.from([0x41, 0x42, 0x00]))).toEqual({
      error: 'a.bin looks binary (a NUL byte at offset 2); only text files are parsed.'
    })
  })

  it('refuses text that is not UTF-8', () => {
    expect(decode('latin1.yaml', Buffer.from('caf\xe9', 'latin1'))).toEqual({
      error: 'latin1.yaml is not valid UTF-8 text; re-encode it as UTF-8 to have it checked.'
    })
  })

  it('drops a UTF-8 byte order mark and keeps everything else', () => {
    expect(decode('bom.yaml', Buffer.from('\ufeffcafé: ✓\n'))).toEqual({ text: 'café: ✓\n' })
  })
})
