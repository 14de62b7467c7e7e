import { beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parseFile } from '../src/documents/parse.js'
import {
  annotationTargets,
  findingAddress,
  withTerraformSources
} from '../src/evaluate/terraform-sources.js'
import type { Finding, ParsedFile } from '../src/findings.js'
import { repoRoot } from './support/tools.js'

const workspace = path.join(repoRoot, '__tests__', 'fixtures', 'terraform-sources')
const planPath = 'infra/plan.json'

const finding = (message: string, metadata?: Record<string, unknown>): Finding => ({
  severity: 'failure',
  file: planPath,
  line: 5,
  namespace: 'terraform.aws',
  rule: 'deny',
  id: 'TF-AWS-001',
  message,
  ...(metadata ? { metadata } : {})
})

let plan: ParsedFile
beforeAll(async () => {
  plan = await parseFile(planPath, readFileSync(path.join(workspace, planPath), 'utf8'))
})

describe('Terraform findings at the .tf block too', () => {
  it('takes the address from the path, else from the longest address the message names', () => {
    const value = plan.documents[0].value as { resource_changes: { address: string }[] }
    expect(findingAddress(finding('x', { path: ['resource_changes', 1, 'change'] }), value)).toBe(
      'module.store.aws_s3_bucket.data'
    )
    expect(findingAddress(finding('aws_s3_bucket.logs is public'), value)).toBe(
      'aws_s3_bucket.logs'
    )
    expect(findingAddress(finding('nothing named'), value)).toBeUndefined()
  })

  it('finds the resource block in the root module and in a called module', () => {
    const [root, inModule, none] = withTerraformSources(
      [
        finding('aws_s3_bucket.logs has a public ACL'),
        finding('bucket not encrypted', { path: ['resource_changes', 1] }),
        finding('plan-wide finding')
      ],
      [plan],
      workspace
    )
    expect(root.related).toEqual([{ file: 'infra/main.tf', line: 5 }])
    expect(inModule.related).toEqual([{ file: 'infra/modules/store/main.tf', line: 5 }])
    expect(none.related).toBeUndefined()
    expect(annotationTargets([root]).map(f => [f.file, f.line, f.message])).toEqual([
      ['infra/plan.json', 5, 'aws_s3_bucket.logs has a public ACL'],
      ['infra/main.tf', 5, 'aws_s3_bucket.logs has a public ACL (planned in infra/plan.json:5)']
    ])
  })
})
