import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import {
  blockLine,
  isTerraformPlan,
  moduleDirectory,
  parseResourceAddress,
  resourceChangeLine,
  resourceChangeLookup,
  terraformSourceLocation,
  type TerraformSources
} from '../src/documents/tfplan.js'
import { JsonIndex, LineIndex } from '../src/documents/positions.js'
import { repoRoot } from './support/tools.js'

const fixture = path.join(repoRoot, '__tests__', 'fixtures', 'documents', 'terraform')
const regula = path.resolve(repoRoot, '..', 'shared', 'corpora', 'fugue__regula')

/** Read access to a directory tree on disk, as the action gives it the workspace. */
function sourcesIn(root: string): TerraformSources {
  return {
    listFiles: dir => {
      const full = path.join(root, dir)
      return existsSync(full)
        ? readdirSync(full, { withFileTypes: true })
            .filter(e => e.isFile())
            .map(e => e.name)
        : []
    },
    readFile: file => {
      const full = path.join(root, file)
      return existsSync(full) ? readFileSync(full, 'utf8') : undefined
    }
  }
}

const planText = readFileSync(path.join(fixture, 'plan.json'), 'utf8')
const plan: unknown = JSON.parse(planText)

describe('isTerraformPlan', () => {
  it('recognises a plan by its content', () => {
    expect(isTerraformPlan(plan)).toBe(true)
    expect(isTerraformPlan({ format_version: '1.0', planned_values: {} })).toBe(true)
  })

  it.each([
    ['a Kubernetes manifest', { apiVersion: 'v1', kind: 'Pod' }],
    ['a state file', { format_version: '1.0', values: {} }],
    ['a list', [{ format_version: '1.0', resource_changes: [] }]],
    ['a non-string version', { format_version: 1, resource_changes: [] }],
    ['nothing', null]
  ])('does not take %s for a plan', (_name, value) => {
    expect(isTerraformPlan(value)).toBe(false)
  })

  const regulaIt = existsSync(regula) ? it : it.skip
  regulaIt("recognises every plan of fugue/regula's tests (Terraform 0.12 to 1.1)", () => {
    const plans: string[] = []
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name)
        if (entry.isDirectory()) walk(full)
        else if (entry.name.endsWith('.json')) plans.push(full)
      }
    }
    walk(regula)
    expect(plans.length).toBeGreaterThan(40)
    expect(plans.filter(p => !isTerraformPlan(JSON.parse(readFileSync(p, 'utf8'))))).toEqual([])
  })
})

describe('parseResourceAddress', () => {
  it.each([
    ['aws_s3_bucket.logs', { modules: [], mode: 'managed', type: 'aws_s3_bucket', name: 'logs' }],
    ['aws_instance.web[0]', { modules: [], mode: 'managed', type: 'aws_instance', name: 'web' }],
    ['data.aws_ami.ubuntu', { modules: [], mode: 'data', type: 'aws_ami', name: 'ubuntu' }],
    [
      'module.a[0].module.b["x.y"].aws_subnet.private["k.1"]',
      { modules: ['a', 'b'], mode: 'managed', type: 'aws_subnet', name: 'private' }
    ],
    ['module.m.data.x.y', { modules: ['m'], mode: 'data', type: 'x', name: 'y' }]
  ])('%s', (address, expected) => {
    expect(parseResourceAddress(address)).toEqual(expected)
  })

  it.each(['aws_s3_bucket', 'module.a', 'a.b.c', 'aws_x.y["unclosed', '', 'x.y z'])(
    '%j is not a resource address',
    address => expect(parseResourceAddress(address)).toBeUndefined()
  )
})

describe('the resource entry in the plan', () => {
  const changes = resourceChangeLookup(plan)
  const planResourceLine = (address: string): number | undefined => {
    const change = changes?.(address)
    return change === undefined
      ? undefined
      : resourceChangeLine(new JsonIndex(planText), new LineIndex(planText), change)
  }

  it.each([
    ['aws_s3_bucket.logs', 9],
    ['data.aws_iam_policy_document.read', 32],
    ['module.network.aws_vpc.main', 55],
    ['module.network.module.subnets.aws_subnet.private["b"]', 92],
    // Without an instance key: the first instance.
    ['module.network.module.subnets.aws_subnet.private', 73]
  ])('%s is on line %i', (address, line) => {
    expect(planResourceLine(address)).toBe(line)
    expect(planText.split('\n')[line - 1]).toContain('"address"')
  })

  it('is undefined for an address the plan does not change', () => {
    expect(changes?.('aws_s3_bucket.other')).toBeUndefined()
    expect(planResourceLine('aws_s3_bucket.other')).toBeUndefined()
  })
})

describe('the resource block in the .tf sources', () => {
  const sources = sourcesIn(path.join(fixture, '..'))

  it.each([
    ['aws_s3_bucket.logs', 'terraform/main.tf', 5],
    ['data.aws_iam_policy_document.read', 'terraform/main.tf', 14],
    ['module.network.aws_vpc.main', 'terraform/modules/network/main.tf', 5],
    [
      'module.network.module.subnets.aws_subnet.private["a"]',
      'terraform/modules/subnets/subnets.tf',
      5
    ]
  ])('%s → %s:%i', (address, file, line) => {
    expect(terraformSourceLocation(plan, address, 'terraform/plan.json', sources)).toEqual({
      file,
      line
    })
  })

  it('is undefined for a module from a registry, or a resource not in the sources', () => {
    expect(
      terraformSourceLocation(
        plan,
        'module.registry.aws_s3_bucket.this[0]',
        'terraform/plan.json',
        sources
      )
    ).toBeUndefined()
    expect(
      terraformSourceLocation(plan, 'aws_s3_bucket.gone', 'terraform/plan.json', sources)
    ).toBeUndefined()
  })

  it('never leaves the workspace through a module source', () => {
    const escaping = {
      format_version: '1.2',
      resource_changes: [],
      configuration: { root_module: { module_calls: { up: { source: '../../../etc' } } } }
    }
    expect(moduleDirectory(escaping, ['up'], 'terraform')).toBeUndefined()
    expect(moduleDirectory(plan, ['network', 'subnets'], 'terraform')).toBe(
      'terraform/modules/subnets'
    )
  })

  it('finds blocks written with unquoted labels too', () => {
    const resource = { modules: [], mode: 'managed' as const, type: 'aws_vpc', name: 'main' }
    expect(blockLine('\n\nresource aws_vpc main {\n}\n', resource)).toBe(3)
  })

  const regulaIt = existsSync(regula) ? it : it.skip
  regulaIt("finds the block of every root-module resource of fugue/regula's plans", () => {
    const regulaSources = sourcesIn(regula)
    let checked = 0
    const walk = (dir: string): void => {
      for (const entry of readdirSync(path.join(regula, dir), { withFileTypes: true })) {
        const rel = path.posix.join(dir, entry.name)
        if (entry.isDirectory()) walk(rel)
        else if (
          entry.name.endsWith('.json') &&
          existsSync(path.join(regula, rel.replace(/\.json$/, '.tf')))
        ) {
          const regulaPlan = JSON.parse(readFileSync(path.join(regula, rel), 'utf8')) as {
            resource_changes?: { address: string; module_address?: string }[]
          }
          const tf = rel.replace(/\.json$/, '.tf')
          const tfText = readFileSync(path.join(regula, tf), 'utf8')
          for (const change of regulaPlan.resource_changes ?? []) {
            if (change.module_address) continue
            const resource = parseResourceAddress(change.address)
            if (!resource) throw new Error(`not an address: ${change.address}`)
            const keyword = resource.mode === 'data' ? 'data' : 'resource'
            const block = new RegExp(`${keyword}\\s+"${resource.type}"\\s+"${resource.name}"`)
            const found = terraformSourceLocation(regulaPlan, change.address, rel, regulaSources)
            // A few plans were made from an older .tf: then the block is in no file of the folder.
            if (!block.test(tfText)) {
              if (found) expect(found.file).not.toBe(tf)
              continue
            }
            expect([change.address, found?.file]).toEqual([change.address, tf])
            expect(tfText.split('\n')[(found?.line ?? 0) - 1]).toMatch(block)
            checked++
          }
        }
      }
    }
    walk('.')
    expect(checked).toBeGreaterThan(100)
  })
})
