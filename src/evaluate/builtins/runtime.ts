// opa.runtime as conftest answers it (conftest policy/engine.go, Engine.Runtime): an object with
// the process environment, and the version and commit of the OPA library conftest was built
// with. OPA itself redacts only a "config" key, which conftest's runtime has none of.

import { type RegoValue, regoNull, regoObject, regoString } from '../rego-value.js'

/**
 * The OPA version a released conftest v0.69.0 reports: its go.mod pins OPA v1.19.0, whose
 * version.Version is "1.19.0". (A conftest built by `go install` with -ldflags overriding
 * OPA's version reports that value instead.) The commit is the build's VCS revision, which
 * module builds do not record.
 */
export const CONFTEST_OPA_VERSION = '1.19.0'

export interface RuntimeInfo {
  env: Readonly<Record<string, string | undefined>>
  version: string
  commit: string
}

/** opa.runtime(): {"env": {...}, "version": ..., "commit": ...}. */
export function opaRuntime(info: RuntimeInfo): RegoValue {
  const env = regoObject(
    Object.entries(info.env).map(([key, value]) => [
      regoString(key),
      value === undefined ? regoNull : regoString(value)
    ])
  )
  return regoObject([
    [regoString('env'), env],
    [regoString('version'), regoString(info.version)],
    [regoString('commit'), regoString(info.commit)]
  ])
}
