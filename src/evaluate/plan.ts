import type { ModuleInfo } from '../opa/inspect.js'

/** conftest's rule conventions (policy/engine.go of conftest v0.69.0). */
const FAILURE_RULE = /^(deny|violation)(_[a-zA-Z0-9]+)*$/
const WARNING_RULE = /^warn(_[a-zA-Z0-9]+)*$/

export const isFailureRule = (name: string): boolean => FAILURE_RULE.test(name)
export const isWarningRule = (name: string): boolean => WARNING_RULE.test(name)

/** The name an `exception` rule lists to switch a rule off: `deny_foo` → `foo`, `deny` → `""`. */
export function exceptionName(rule: string): string {
  if (rule === 'violation' || rule === 'deny' || rule === 'warn') return ''
  for (const prefix of ['violation_', 'deny_', 'warn_']) {
    if (rule.startsWith(prefix)) return rule.slice(prefix.length)
  }
  return rule
}

/** What is evaluated for one namespace: the rules conftest would query, in one entrypoint. */
export interface NamespacePlan {
  namespace: string
  /** Distinct deny/violation/warn rule names (compared case-insensitively, as conftest does). */
  rules: string[]
  /** Rule definitions counted as conftest counts them (a rule with two bodies counts twice). */
  ruleCount: number
  /** Whether the namespace defines an `exception` rule. */
  hasException: boolean
  /** WASM entrypoint returning every rule above (and `exception`); absent when there are none. */
  entrypoint?: string
}

export interface PolicyPlan {
  /** Every package of every module, tests included (they are namespaces for conftest too). */
  namespaces: NamespacePlan[]
}

export const ENTRYPOINT_PACKAGE = 'policy_gate_entrypoints'

/** Groups the modules' rules by namespace, as conftest's engine lists them. */
export function planNamespaces(modules: readonly ModuleInfo[]): PolicyPlan {
  const byNamespace = new Map<string, NamespacePlan>()
  for (const module of modules) {
    let plan = byNamespace.get(module.namespace)
    if (!plan) {
      plan = { namespace: module.namespace, rules: [], ruleCount: 0, hasException: false }
      byNamespace.set(module.namespace, plan)
    }
    // Test modules are not compiled into the gate, but their packages are namespaces to conftest.
    if (module.file.test) continue
    for (const rule of module.rules) {
      if (rule.isFunction) continue
      if (rule.name === 'exception') plan.hasException = true
      if (!isFailureRule(rule.name) && !isWarningRule(rule.name)) continue
      plan.ruleCount++
      const lower = rule.name.toLowerCase()
      if (!plan.rules.some(r => r.toLowerCase() === lower)) plan.rules.push(rule.name)
    }
  }
  const namespaces = [...byNamespace.values()].sort((a, b) => (a.namespace < b.namespace ? -1 : 1))
  namespaces.forEach((plan, i) => {
    if (plan.rules.length > 0) plan.entrypoint = `${ENTRYPOINT_PACKAGE}/n${i}`
  })
  return { namespaces }
}

/**
 * The generated modules behind the entrypoints, one per namespace (a module holds one package):
 * each package's rules are the namespace's deny/warn/violation rules and `exception`, so one
 * evaluation of a document per namespace returns every rule's value (undefined rules are absent).
 */
export function renderEntrypointModules(plan: PolicyPlan): { name: string; source: string }[] {
  return plan.namespaces.flatMap(ns => {
    if (!ns.entrypoint) return []
    const lines = [`package ${ns.entrypoint.replaceAll('/', '.')}`, '']
    for (const rule of ns.rules) lines.push(`${rule} := data.${ns.namespace}.${rule}`)
    if (ns.hasException) lines.push(`exception := data.${ns.namespace}.exception`)
    return [{ name: `${ns.entrypoint.split('/').pop()}.rego`, source: `${lines.join('\n')}\n` }]
  })
}

/** Go's `path.Match` for namespace patterns (`-n 'kubernetes.*'`); namespaces contain no `/`. */
export function matchNamespacePattern(pattern: string, name: string): boolean {
  let source = '^'
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '*') source += '[^/]*'
    else if (c === '?') source += '[^/]'
    else if (c === '\\' && i + 1 < pattern.length) source += `\\${pattern[++i]}`
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1)
      if (end < 0)
        throw new Error(`Invalid namespace pattern ${JSON.stringify(pattern)}: unclosed [`)
      source += `[${pattern.slice(i + 1, end)}]`
      i = end
    } else source += c.replace(/[.+^${}()|\]\\]/g, '\\$&')
  }
  return new RegExp(`${source}$`).test(name)
}

export interface NamespaceSelection {
  namespaces: readonly string[]
  all: boolean
  /** Leave out namespaces without rules (the built-in library's test packages, say). */
  withRulesOnly?: boolean
}

/**
 * The namespaces to evaluate, as conftest chooses them: all of them; those matching patterns when
 * any has a wildcard; otherwise exactly the names given (a name with no module yields empty results).
 */
export function selectNamespaces(plan: PolicyPlan, selection: NamespaceSelection): NamespacePlan[] {
  const selected = selectByName(plan, selection)
  return selection.withRulesOnly ? selected.filter(ns => ns.rules.length > 0) : selected
}

function selectByName(plan: PolicyPlan, selection: NamespaceSelection): NamespacePlan[] {
  if (selection.all) return plan.namespaces
  const hasWildcard = selection.namespaces.some(n => /[*?[]/.test(n))
  if (hasWildcard) {
    return plan.namespaces.filter(ns =>
      selection.namespaces.some(p => matchNamespacePattern(p, ns.namespace))
    )
  }
  return selection.namespaces.map(
    name =>
      plan.namespaces.find(ns => ns.namespace === name) ?? {
        namespace: name,
        rules: [],
        ruleCount: 0,
        hasException: false
      }
  )
}
