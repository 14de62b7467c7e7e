import { describe, expect, it } from '@jest/globals'
import {
  SUPPORTED_PLATFORMS,
  executableName,
  releaseAssetUrl,
  releaseChecksumUrl,
  releaseTarget
} from '../src/opa/platform.js'

describe('releaseTarget', () => {
  // The asset names of OPA v1.x releases (OPA's Makefile ci-build-* targets).
  it.each([
    ['linux', 'x64', 'opa_linux_amd64_static', 'opa'],
    ['linux', 'arm64', 'opa_linux_arm64_static', 'opa'],
    ['darwin', 'x64', 'opa_darwin_amd64', 'opa'],
    ['darwin', 'arm64', 'opa_darwin_arm64_static', 'opa'],
    ['win32', 'x64', 'opa_windows_amd64.exe', 'opa.exe']
  ] as const)('%s/%s downloads %s as %s', (platform, arch, asset, executable) => {
    expect(releaseTarget(platform, arch)).toEqual({ platform, arch, asset, executable })
  })

  it.each([
    ['win32', 'arm64'],
    ['linux', 'ia32'],
    ['linux', 'amd64'], // Go's name, not Node's: refused rather than guessed
    ['freebsd', 'x64'],
    ['linux', 's390x']
  ] as const)('refuses %s/%s, naming it and listing the supported platforms', (platform, arch) => {
    expect(() => releaseTarget(platform, arch)).toThrow(
      `OPA publishes no release binary for ${platform}/${arch}; supported platforms are ` +
        'linux/x64, linux/arm64, darwin/x64, darwin/arm64, win32/x64.'
    )
  })

  it('lists every supported pair once', () => {
    expect(SUPPORTED_PLATFORMS).toHaveLength(5)
    expect(new Set(SUPPORTED_PLATFORMS).size).toBe(5)
  })
})

describe('release URLs', () => {
  it.each([
    [
      'https://github.com',
      'https://github.com/open-policy-agent/opa/releases/download/v1.22.3/opa_linux_amd64_static'
    ],
    [
      'https://github.com/',
      'https://github.com/open-policy-agent/opa/releases/download/v1.22.3/opa_linux_amd64_static'
    ],
    [
      'http://127.0.0.1:8080/mirror//',
      'http://127.0.0.1:8080/mirror/open-policy-agent/opa/releases/download/v1.22.3/opa_linux_amd64_static'
    ]
  ])('%s', (base, url) => {
    expect(releaseAssetUrl(base, '1.22.3', 'opa_linux_amd64_static')).toBe(url)
    expect(releaseChecksumUrl(base, '1.22.3', 'opa_linux_amd64_static')).toBe(`${url}.sha256`)
  })
})

describe('executableName', () => {
  it.each([
    ['linux', 'opa'],
    ['darwin', 'opa'],
    ['win32', 'opa.exe']
  ] as const)('%s → %s', (platform, name) => {
    expect(executableName(platform)).toBe(name)
  })
})
