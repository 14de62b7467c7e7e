// Finds or installs the pinned OPA, in this order: the user's opa-path, an `opa` on PATH of
// exactly that version, the runner's tool cache (re-verified by digest), a verified download of
// the release asset. Settings come in as values; only @actions/tool-cache reads the environment
// (RUNNER_TOOL_CACHE, RUNNER_TEMP).

import { execFile } from 'node:child_process'
import { access, chmod, constants, readFile, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { normalizeSha256, parseChecksumFile, sha256File } from './checksum.js'
import {
  executableName,
  releaseAssetUrl,
  releaseChecksumUrl,
  releaseTarget,
  type ReleaseTarget
} from './platform.js'

/** @actions/tool-cache, loaded only when OPA is looked up or installed (a chunk of dist/ of its own). */
const loadToolCache = () => import('@actions/tool-cache')

export interface InstallOptions {
  /** An exact OPA version, `1.22.3` or `v1.22.3` (see validateOpaVersion). */
  version: string
  /** A user-provided OPA binary; when set it is used or the install fails, nothing else is tried. */
  opaPath?: string
  /**
   * The PATH to look for an `opa` of exactly `version` in (main passes `process.env.PATH`);
   * when omitted the PATH is not searched.
   */
  searchPath?: string
  /** Where releases are downloaded from; `https://github.com` in production. */
  downloadBaseUrl: string
  /** A pinned SHA-256 of the binary; when set, any binary whose digest differs is refused. */
  sha256?: string
  /** Node's platform and arch of the runner (`process.platform`, `process.arch`). */
  platform: NodeJS.Platform
  arch: string
}

export interface InstalledOpa {
  /** Absolute path of the OPA executable. */
  path: string
  /** The version it reports, equal to the requested one. */
  version: string
  source: 'input' | 'path' | 'tool-cache' | 'download'
  /** SHA-256 of the executable. */
  sha256: string
}

const TOOL_NAME = 'opa'
// Written next to the binary in the tool cache, so a later run can tell a cached binary is the
// one that was verified against the release's checksum when it was downloaded.
const CACHED_DIGEST_FILE = 'opa.sha256'
const VERSION_TIMEOUT_MS = 30_000

const EXACT_VERSION = /^v?((?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*))$/

/**
 * The version without its optional leading `v`. Only an exact release is accepted: a range or
 * `latest` would let two runs of the same commit use different OPAs, and a gate must be
 * reproducible.
 */
export function validateOpaVersion(version: string): string {
  const match = EXACT_VERSION.exec(version.trim())
  if (match === null) {
    throw new Error(
      `Input 'opa-version' must be an exact OPA release such as 1.22.3 or v1.22.3 (got '${version}'): ` +
        `ranges, 'latest' and an empty value are refused so that every run of the gate uses the same OPA.`
    )
  }
  return match[1]
}

/** Finds or installs OPA `options.version`; `log` receives one line per decision taken. */
export async function installOpa(
  options: InstallOptions,
  log: (line: string) => void = () => {}
): Promise<InstalledOpa> {
  const version = validateOpaVersion(options.version)
  const pinned =
    options.sha256 === undefined || options.sha256.trim() === ''
      ? undefined
      : normalizeSha256(options.sha256, "Input 'opa-sha256'")

  if (options.opaPath !== undefined && options.opaPath.trim() !== '') {
    return useOpaPath(path.resolve(options.opaPath), version, pinned, log)
  }

  const onPath = await findOnPath(options, version, pinned, log)
  if (onPath !== undefined) return onPath

  const cached = await findInToolCache(options, version, pinned, log)
  if (cached !== undefined) return cached

  return download(releaseTarget(options.platform, options.arch), options, version, pinned, log)
}

/** The version an OPA binary prints as `Version: X` in `opa version`. */
export async function reportedOpaVersion(executable: string): Promise<string> {
  const { stdout } = await promisify(execFile)(executable, ['version'], {
    timeout: VERSION_TIMEOUT_MS,
    windowsHide: true
  })
  const match = /^Version:\s*v?(\S+)\s*$/m.exec(stdout)
  if (match === null) {
    const shown = stdout.length > 200 ? `${stdout.slice(0, 200)}…` : stdout
    throw new Error(`'${executable} version' printed no 'Version:' line: ${JSON.stringify(shown)}`)
  }
  return match[1]
}

async function useOpaPath(
  executable: string,
  version: string,
  pinned: string | undefined,
  log: (line: string) => void
): Promise<InstalledOpa> {
  try {
    const info = await stat(executable)
    if (!info.isFile()) throw new Error('it is not a file')
  } catch (error) {
    const reason =
      isErrnoException(error) && error.code === 'ENOENT' ? 'no such file' : message(error)
    throw new Error(`Input 'opa-path' is ${executable}, which cannot be used: ${reason}`, {
      cause: error
    })
  }
  const reported = await reportedOpaVersion(executable).catch((error: unknown) => {
    throw new Error(`Input 'opa-path' is ${executable}, which does not run: ${message(error)}`, {
      cause: error
    })
  })
  if (reported !== version) {
    throw new Error(
      `Input 'opa-path' is ${executable}, which is OPA ${reported}, but 'opa-version' asks for ${version}`
    )
  }
  const digest = await sha256File(executable)
  if (pinned !== undefined && digest !== pinned) {
    throw new Error(
      `Input 'opa-path' is ${executable}, whose SHA-256 is ${digest}, but 'opa-sha256' pins ${pinned}`
    )
  }
  log(`Using OPA ${version} from opa-path: ${executable}`)
  return { path: executable, version, source: 'input', sha256: digest }
}

// Takes the first `opa` on PATH, the one a shell would run, and only if it is exactly the
// requested version (and the pinned digest, when there is one).
async function findOnPath(
  options: InstallOptions,
  version: string,
  pinned: string | undefined,
  log: (line: string) => void
): Promise<InstalledOpa | undefined> {
  if (options.searchPath === undefined) return undefined
  const delimiter = options.platform === 'win32' ? ';' : ':'
  const name = executableName(options.platform)
  for (const dir of options.searchPath.split(delimiter)) {
    if (dir.trim() === '') continue
    const candidate = path.resolve(dir, name)
    if (!(await isExecutableFile(candidate))) continue
    let reported: string
    try {
      reported = await reportedOpaVersion(candidate)
    } catch (error) {
      log(`Ignoring ${candidate} on PATH: ${message(error)}`)
      return undefined
    }
    if (reported !== version) {
      log(`Ignoring ${candidate} on PATH: it is OPA ${reported}, not ${version}`)
      return undefined
    }
    const digest = await sha256File(candidate)
    if (pinned !== undefined && digest !== pinned) {
      log(`Ignoring ${candidate} on PATH: its SHA-256 ${digest} is not the pinned ${pinned}`)
      return undefined
    }
    log(`Using OPA ${version} found on PATH: ${candidate}`)
    return { path: candidate, version, source: 'path', sha256: digest }
  }
  return undefined
}

async function findInToolCache(
  options: InstallOptions,
  version: string,
  pinned: string | undefined,
  log: (line: string) => void
): Promise<InstalledOpa | undefined> {
  const tc = await loadToolCache()
  let dir: string
  try {
    dir = tc.find(TOOL_NAME, version, options.arch)
  } catch (error) {
    // tool-cache asserts RUNNER_TOOL_CACHE is set, which it is on every runner but not locally.
    throw new Error(
      `Cannot look for OPA ${version} in the runner's tool cache (${message(error)}): outside a ` +
        `runner, pass opa-path or put OPA ${version} on PATH`,
      { cause: error }
    )
  }
  if (dir === '') return undefined
  const executable = path.join(dir, executableName(options.platform))
  const refusal = await cachedBinaryRefusal(dir, executable, pinned)
  if (typeof refusal === 'string') {
    log(`Not using the cached OPA at ${executable}: ${refusal}; downloading it again`)
    return undefined
  }
  log(`Using OPA ${version} from the tool cache: ${executable}`)
  return { path: executable, version, source: 'tool-cache', sha256: refusal.digest }
}

// Why a cached binary must not be used, or its digest when it may.
async function cachedBinaryRefusal(
  dir: string,
  executable: string,
  pinned: string | undefined
): Promise<string | { digest: string }> {
  let recorded: string
  try {
    recorded = parseChecksumFile(
      await readFile(path.join(dir, CACHED_DIGEST_FILE), 'utf8'),
      path.basename(executable)
    )
  } catch (error) {
    return `its recorded digest ${path.join(dir, CACHED_DIGEST_FILE)} is unreadable (${message(error)})`
  }
  let digest: string
  try {
    digest = await sha256File(executable)
  } catch (error) {
    return `it cannot be read (${message(error)})`
  }
  if (digest !== recorded) {
    return `its SHA-256 is ${digest}, but it was ${recorded} when it was downloaded and verified`
  }
  if (pinned !== undefined && digest !== pinned) {
    return `its SHA-256 ${digest} is not the pinned ${pinned}`
  }
  return { digest }
}

async function download(
  target: ReleaseTarget,
  options: InstallOptions,
  version: string,
  pinned: string | undefined,
  log: (line: string) => void
): Promise<InstalledOpa> {
  const what = `OPA ${version} for ${target.platform}/${target.arch}`
  const url = releaseAssetUrl(options.downloadBaseUrl, version, target.asset)
  const checksumUrl = releaseChecksumUrl(options.downloadBaseUrl, version, target.asset)
  const temporary: string[] = []
  try {
    log(`Downloading ${what} from ${url}`)
    const downloaded = await fetchToTemp(url, `Failed to download ${what} from ${url}`)
    temporary.push(downloaded)
    const checksumFile = await fetchToTemp(
      checksumUrl,
      `Failed to download the checksum of ${what} from ${checksumUrl}`
    )
    temporary.push(checksumFile)

    let published: string
    try {
      published = parseChecksumFile(await readFile(checksumFile, 'utf8'), target.asset)
    } catch (error) {
      throw new Error(`Cannot verify ${what}: ${checksumUrl} has ${message(error)}`, {
        cause: error
      })
    }
    const digest = await sha256File(downloaded)
    if (digest !== published) {
      throw new Error(
        `Refusing ${what} downloaded from ${url}: its SHA-256 is ${digest}, but ${checksumUrl} says ${published}`
      )
    }
    if (pinned !== undefined && digest !== pinned) {
      throw new Error(
        `Refusing ${what} downloaded from ${url}: its SHA-256 is ${digest}, but 'opa-sha256' pins ${pinned}`
      )
    }
    log(`Verified SHA-256 ${digest} of ${target.asset}`)

    await chmod(downloaded, 0o755)
    const tc = await loadToolCache()
    const dir = await tc.cacheFile(downloaded, target.executable, TOOL_NAME, version, options.arch)
    await writeFile(path.join(dir, CACHED_DIGEST_FILE), `${digest}  ${target.executable}\n`)
    const executable = path.join(dir, target.executable)

    // The checksum proves the bytes are the published asset, not that the asset is this version
    // (a mislabelled or wrong-platform binary); ask it, and keep a wrong one out of the cache.
    let reported: string
    try {
      reported = await reportedOpaVersion(executable)
    } catch (error) {
      await removeFromToolCache(dir)
      throw new Error(
        `Refusing ${what} downloaded from ${url}: it does not run: ${message(error)}`,
        {
          cause: error
        }
      )
    }
    if (reported !== version) {
      await removeFromToolCache(dir)
      throw new Error(
        `Refusing ${what} downloaded from ${url}: 'opa version' reports ${reported}, not ${version}`
      )
    }
    log(`Installed ${what} into the tool cache: ${executable}`)
    return { path: executable, version, source: 'download', sha256: digest }
  } finally {
    await Promise.all(temporary.map(file => rm(file, { force: true })))
  }
}

// tool-cache retries 5xx, 408, 429 and network errors itself (3 attempts); a 4xx fails at once.
async function fetchToTemp(url: string, failure: string): Promise<string> {
  const tc = await loadToolCache()
  try {
    return await tc.downloadTool(url)
  } catch (error) {
    const reason =
      error instanceof tc.HTTPError
        ? `HTTP ${error.httpStatusCode}`
        : message(error) === 'aborted'
          ? 'the connection closed before the whole file arrived (aborted)'
          : message(error)
    throw new Error(`${failure}: ${reason}`, { cause: error })
  }
}

async function removeFromToolCache(dir: string): Promise<void> {
  await rm(`${dir}.complete`, { force: true })
  await rm(dir, { recursive: true, force: true })
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false
    await access(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

// Duck-typed rather than `instanceof Error`: errors from Node's own modules come from another
// realm under Jest's VM modules.
function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return typeof error === 'object' && error !== null && 'code' in error
}

function message(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return String(error.message)
  }
  return String(error)
}
