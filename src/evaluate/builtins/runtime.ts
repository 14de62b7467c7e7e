// opa.runtime as conftest answers it (conftest policy/engine.go, Engine.Runtime): an object with
// the process environment, and the version and commit of the OPA library conftest was built
// with. OPA itself redacts only a "config" key, which conftest's runtime has none of; policy-gate
// also leaves credentials out of env (isSecretVariable).

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

/**
 * Variables a policy never sees through opa.runtime().env, unlike in conftest: the runner gives the
 * action its token (`INPUT_GITHUB-TOKEN`), the cache/artifact token (`ACTIONS_RUNTIME_TOKEN`) and
 * the OIDC request token, and a policy's message can end up in a public pull request comment.
 * Anything named like a credential is left out too.
 */
const SECRET_VARIABLE =
  /TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE_KEY|API_KEY|ACCESS_KEY|^ACTIONS_ID_TOKEN_REQUEST_URL$/i

export function isSecretVariable(name: string): boolean {
  return SECRET_VARIABLE.test(name)
}

/** opa.runtime(): {"env": {...}, "version": ..., "commit": ...}, without credentials in env. */
export function opaRuntime(info: RuntimeInfo): RegoValue {
  const env = regoObject(
    Object.entries(info.env)
      .filter(([key]) => !isSecretVariable(key))
      .map(([key, value]) => [regoString(key), value === undefined ? regoNull : regoString(value)])
  )
  return regoObject([
    [regoString('env'), env],
    [regoString('version'), regoString(info.version)],
    [regoString('commit'), regoString(info.commit)]
  ])
}
