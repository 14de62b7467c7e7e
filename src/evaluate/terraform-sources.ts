/**
 * A finding about a resource of a Terraform plan points at the resource's entry in the plan; when
 * the configuration it was planned from is in the repository, the `resource "TYPE" "NAME"` block
 * is where a developer fixes it, so the finding is also shown there.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
import path from 'node:path'
import { isTerraformPlan, terraformSourceLocation } from '../documents/tfplan.js'
import type { Finding, ParsedFile } from '../findings.js'

export interface RelatedLocation {
  file: string
  line: number
}

/** The resource address a finding is about: from its `path`, or the longest address it names. */
export function findingAddress(
  finding: Finding,
  plan: { resource_changes?: { address?: string }[] }
): string | undefined {
  const changes = plan.resource_changes ?? []
  const p = finding.metadata?.path
  if (Array.isArray(p) && p[0] === 'resource_changes' && typeof p[1] === 'number')
    return changes[p[1]]?.address
  const named = changes
    .map(c => c.address)
    .filter((a): a is string => typeof a === 'string' && finding.message.includes(a))
    .sort((a, b) => b.length - a.length)
  return named[0]
}

/** Reads sources inside the workspace only (a symlink out of it is not followed). */
function workspaceSources(workspace: string): {
  listFiles(dir: string): string[]
  readFile(file: string): string | undefined
} {
  const root = realpathSync(workspace)
  const inside = (rel: string): string | undefined => {
    const full = path.resolve(root, rel)
    if (!existsSync(full)) return undefined
    const real = realpathSync(full)
    return real === root || real.startsWith(root + path.sep) ? real : undefined
  }
  return {
    listFiles: dir => {
      const full = inside(dir)
      return full && statSync(full).isDirectory() ? readdirSync(full) : []
    },
    readFile: file => {
      const full = inside(file)
      return full && statSync(full).isFile() && statSync(full).size < 5_000_000
        ? readFileSync(full, 'utf8')
        : undefined
    }
  }
}

/** Adds `related` .tf locations to the findings on Terraform plans. */
export function withTerraformSources(
  findings: Finding[],
  files: readonly ParsedFile[],
  workspace: string
): Finding[] {
  const plans = new Map(
    files
      .filter(f => f.documents.length === 1 && isTerraformPlan(f.documents[0].value))
      .map(f => [f.path, f.documents[0].value])
  )
  if (plans.size === 0) return findings
  const sources = workspaceSources(workspace)
  return findings.map(finding => {
    const plan = plans.get(finding.file) as
      { resource_changes?: { address?: string }[] } | undefined
    if (!plan || finding.severity === 'error') return finding
    const address = findingAddress(finding, plan)
    const location = address
      ? terraformSourceLocation(plan, address, finding.file, sources)
      : undefined
    return location ? { ...finding, related: [location] } : finding
  })
}

/**
 * For annotations: each finding, then a copy at each related location, so the line shows in the
 * pull request's "Files changed" where the configuration is edited.
 */
export function annotationTargets(findings: readonly Finding[]): Finding[] {
  return findings.flatMap(f => [
    f,
    ...(f.related ?? []).map(r => ({
      ...f,
      file: r.file,
      line: r.line,
      message: `${f.message} (planned in ${f.file}${f.line ? `:${f.line}` : ''})`,
      related: undefined
    }))
  ])
}
