import { describe, expect, it } from '@jest/globals'
import type { ModuleInfo } from '../src/opa/inspect.js'
import {
  exceptionName,
  isFailureRule,
  isWarningRule,
  matchNamespacePattern,
  planNamespaces,
  renderEntrypointModules,
  selectNamespaces
} from '../src/evaluate/plan.js'

const module = (namespace: string, rules: [string, boolean?][], test = false): ModuleInfo => ({
  file: {
    absolute: `/p/${namespace}.rego`,
    display: `${namespace}.rego`,
    root: 0,
    relative: `${namespace}.rego`,
    test,
    content: ''
  },
  namespace,
  regoVersion: 'v1',
  rules: rules.map(([name, isFunction], i) => ({
    name,
    isFunction: isFunction ?? false,
    line: i + 1
  }))
})

describe('rule names (conftest policy/engine.go)', () => {
  it.each([
    ['deny', true, false],
    ['violation', true, false],
    ['deny_privileged', true, false],
    ['violation_a_b_c1', true, false],
    ['warn', false, true],
    ['warn_latest', false, true],
    ['denied', false, false],
    ['deny_', false, false],
    ['warning', false, false],
    ['exception', false, false]
  ])('%s: failure %s, warning %s', (name, failure, warning) => {
    expect(isFailureRule(name)).toBe(failure)
    expect(isWarningRule(name)).toBe(warning)
  })

  it.each([
    ['deny', ''],
    ['warn', ''],
    ['violation', ''],
    ['deny_latest_tag', 'latest_tag'],
    ['warn_probes', 'probes'],
    ['violation_root', 'root']
  ])('exception name of %s is %j', (rule, name) => {
    expect(exceptionName(rule)).toBe(name)
  })
})

describe('planNamespaces', () => {
  const plan = planNamespaces([
    module('main', [['deny'], ['deny'], ['warn_x'], ['helper'], ['exception'], ['deny_fn', true]]),
    module('main', [['deny_X'], ['deny_x'], ['DENY']]),
    module('other', [['violation']]),
    module('main_test', [['test_a']], true)
  ])

  it('counts every body, lists each rule once (case-insensitively, as conftest), skips functions, helpers and DENY', () => {
    expect(plan.namespaces).toEqual([
      {
        namespace: 'main',
        rules: ['deny', 'warn_x', 'deny_X'],
        ruleCount: 5,
        hasException: true,
        entrypoint: 'policy_gate_entrypoints/n0'
      },
      { namespace: 'main_test', rules: [], ruleCount: 0, hasException: false },
      {
        namespace: 'other',
        rules: ['violation'],
        ruleCount: 1,
        hasException: false,
        entrypoint: 'policy_gate_entrypoints/n2'
      }
    ])
  })

  it('generates one entrypoint package per namespace with rules', () => {
    expect(renderEntrypointModules(plan)).toEqual([
      {
        name: 'n0.rego',
        source:
          'package policy_gate_entrypoints.n0\n\ndeny := data.main.deny\nwarn_x := data.main.warn_x\ndeny_X := data.main.deny_X\nexception := data.main.exception\n'
      },
      {
        name: 'n2.rego',
        source: 'package policy_gate_entrypoints.n2\n\nviolation := data.other.violation\n'
      }
    ])
  })

  it.each([
    [{ namespaces: ['main'], all: false }, ['main']],
    [{ namespaces: ['absent'], all: false }, ['absent']],
    [{ namespaces: ['*'], all: false }, ['main', 'main_test', 'other']],
    [{ namespaces: ['m*'], all: false }, ['main', 'main_test']],
    [{ namespaces: ['o?her', 'main'], all: false }, ['main', 'other']],
    [{ namespaces: [], all: true }, ['main', 'main_test', 'other']]
  ])('selects %j', (selection, expected) => {
    expect(selectNamespaces(plan, selection).map(ns => ns.namespace)).toEqual(expected)
  })
})

describe('matchNamespacePattern (Go path.Match)', () => {
  it.each([
    ['kubernetes.*', 'kubernetes.pss', true],
    ['kubernetes.*', 'kubernetes', false],
    ['*', 'a.b.c', true],
    ['[a-c]*', 'bravo', true],
    // Go negates with ^ only: ! is an ordinary character in a class.
    ['[!a-c]*', 'bravo', true],
    ['[^a-c]*', 'delta', true],
    ['main\\*', 'main*', true],
    ['m?in', 'main', true]
  ])('%s ~ %s: %s', (pattern, name, expected) => {
    expect(matchNamespacePattern(pattern, name)).toBe(expected)
  })
})
