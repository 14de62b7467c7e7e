// Where an OPA release binary lives for a given runner platform. Pure: platform and arch come in
// as values (Node's names, e.g. `linux`/`x64`), nothing here looks at the running machine.

/** One downloadable OPA binary of a release, as named on github.com/open-policy-agent/opa/releases. */
export interface ReleaseTarget {
  /** Node's platform and arch, as asked. */
  platform: NodeJS.Platform
  arch: string
  /** The release asset file name, e.g. `opa_linux_amd64_static`. */
  asset: string
  /** The file name the binary gets in the tool cache: `opa`, or `opa.exe` on Windows. */
  executable: string
}

// The assets OPA v1.x publishes (OPA's Makefile targets ci-build-linux-static,
// ci-build-darwin, ci-build-darwin-arm64-static and ci-build-windows, run by its post-tag
// workflow). Linux prefers the static build so it runs on any libc; darwin/amd64 has only the
// dynamic build, darwin/arm64 and linux/arm64 only the static one, Windows only amd64.
const RELEASE_ASSETS: Readonly<Record<string, string>> = {
  'linux/x64': 'opa_linux_amd64_static',
  'linux/arm64': 'opa_linux_arm64_static',
  'darwin/x64': 'opa_darwin_amd64',
  'darwin/arm64': 'opa_darwin_arm64_static',
  'win32/x64': 'opa_windows_amd64.exe'
}

/** The platform/arch pairs an OPA release has a binary for, in Node's names. */
export const SUPPORTED_PLATFORMS: readonly string[] = Object.keys(RELEASE_ASSETS)

/** The OPA release binary for a runner, or an error naming the pair and listing the supported ones. */
export function releaseTarget(platform: NodeJS.Platform, arch: string): ReleaseTarget {
  const key = `${platform}/${arch}`
  const asset = RELEASE_ASSETS[key]
  if (asset === undefined) {
    throw new Error(
      `OPA publishes no release binary for ${key}; supported platforms are ${SUPPORTED_PLATFORMS.join(', ')}. ` +
        'Install OPA yourself and pass its path as opa-path.'
    )
  }
  return { platform, arch, asset, executable: executableName(platform) }
}

/** `opa.exe` on Windows, `opa` elsewhere. */
export function executableName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'opa.exe' : 'opa'
}

/** The URL of a release asset: `<base>/open-policy-agent/opa/releases/download/v<version>/<asset>`. */
export function releaseAssetUrl(baseUrl: string, version: string, asset: string): string {
  const base = baseUrl.replace(/\/+$/, '')
  return `${base}/open-policy-agent/opa/releases/download/v${version}/${asset}`
}

/** The URL of the `.sha256` file OPA publishes beside every release binary. */
export function releaseChecksumUrl(baseUrl: string, version: string, asset: string): string {
  return `${releaseAssetUrl(baseUrl, version, asset)}.sha256`
}
