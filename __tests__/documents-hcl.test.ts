import { describe, expect, it } from '@jest/globals'
import path from 'node:path'
import { hcl2jsonCandidates, parseHcl } from '../src/documents/hcl.js'

describe('parseHcl', () => {
  it("converts Terraform to conftest's hcl2 shape, starting at the first line of content", async () => {
    const text = [
      '# S3 bucket for logs',
      '',
      'resource "aws_s3_bucket" "logs" {',
      '  bucket = "logs-${var.env}"',
      '  tags   = { Team = "platform" }',
      '  count  = var.enabled ? 1 : 0',
      '}',
      'variable "env" { default = "prod" }'
    ].join('\n')
    expect(await parseHcl('main.tf', text)).toEqual({
      documents: [
        {
          index: 0,
          line: 3,
          value: {
            resource: {
              aws_s3_bucket: {
                logs: [
                  {
                    bucket: 'logs-${var.env}',
                    tags: { Team: 'platform' },
                    count: '${var.enabled ? 1 : 0}'
                  }
                ]
              }
            },
            variable: { env: [{ default: 'prod' }] }
          }
        }
      ]
    })
  })

  it('reports a syntax error with its line and column', async () => {
    expect(await parseHcl('bad.tf', 'locals {\n  a = 1\n  b = \n}\n')).toEqual({
      error: {
        message:
          'invalid HCL at line 3, column 7: Invalid expression; Expected the start of an expression, but found an invalid expression token. Fix the syntax; conftest cannot parse this file either.',
        line: 3
      }
    })
  })

  it('handles many files in turn and at once with one converter', async () => {
    const texts = Array.from({ length: 20 }, (_, i) => `n = ${i}\n`)
    const results = await Promise.all(texts.map((text, i) => parseHcl(`f${i}.tfvars`, text)))
    expect(results.map(r => ('documents' in r ? r.documents[0].value : r))).toEqual(
      texts.map((_, i) => ({ n: i }))
    )
  })
})

describe('where the converter is looked for', () => {
  it('beside a bundle first (dist/ and dist/cli/ share dist/hcl2json), then node_modules upwards', () => {
    const candidates = hcl2jsonCandidates('/action/dist/cli')
    expect(candidates.slice(0, 3)).toEqual([
      '/action/dist/cli/hcl2json',
      '/action/dist/hcl2json',
      '/action/dist/cli/node_modules/@cdktf/hcl2json'
    ])
    expect(candidates.at(-1)).toBe(path.join('/', 'node_modules', '@cdktf', 'hcl2json'))
  })
})
