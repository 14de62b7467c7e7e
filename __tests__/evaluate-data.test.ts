import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadData, mergeAt } from '../src/evaluate/data.js'

const root = mkdtempSync(path.join(os.tmpdir(), 'policy-gate-data-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
const write = (rel: string, text: string): void => {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
  writeFileSync(path.join(root, rel), text)
}

describe('loadData (rooted as conftest roots -d)', () => {
  it('roots a directory by sub-directory and a file at data, keeping YAML dates as strings', async () => {
    write('d/top.json', '{"a": 1}')
    write('d/teams/owners.yaml', 'owners: [payments]\nsince: 2026-03-01\n')
    write('d/teams/deep/x.yml', 'on: yes\n')
    write(
      'single.yaml',
      'policy_gate:\n  exceptions:\n    - id: K8S-001\n      expires: 2026-03-01\n'
    )
    expect(await loadData(['d', 'single.yaml'], root)).toEqual({
      a: 1,
      teams: { owners: ['payments'], since: '2026-03-01', deep: { true: true } },
      policy_gate: { exceptions: [{ id: 'K8S-001', expires: '2026-03-01' }] }
    })
  })

  it('names the file and line of data that does not parse, and a missing path', async () => {
    write('bad/x.yaml', 'a: [1, 2\n')
    await expect(loadData(['bad'], root)).rejects.toThrow(
      /Data file bad\/x\.yaml(:\d+)? does not parse/
    )
    await expect(loadData(['nope'], root)).rejects.toThrow(/Data path nope does not exist/)
  })

  it('refuses two files defining the same value', () => {
    const data: Record<string, unknown> = { a: { b: 1 } }
    expect(() => mergeAt(data, ['a'], { b: 2 }, 'x.yaml')).toThrow(
      'Data file x.yaml redefines data.a.b'
    )
  })
})
