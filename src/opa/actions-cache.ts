/**
 * The compiled bundle shared between workflow runs through the Actions cache. Best effort: when
 * the cache service is not there (a local run, GHES without it) or fails, the run compiles as if
 * nothing was cached, and says so in the log; a restored bundle is verified by digest before use.
 */
import * as cache from '@actions/cache'
import * as core from '@actions/core'
import type { SharedCache } from './compile.js'

export const CACHE_KEY_PREFIX = 'policy-gate-bundle-'

export function actionsCache(): SharedCache | undefined {
  if (!cache.isFeatureAvailable()) return undefined
  return {
    async restore(dir, key) {
      try {
        return (await cache.restoreCache([dir], `${CACHE_KEY_PREFIX}${key}`)) !== undefined
      } catch (error) {
        core.info(
          `policy-gate: the Actions cache could not be read (${(error as Error).message}); compiling`
        )
        return false
      }
    },
    async save(dir, key) {
      try {
        await cache.saveCache([dir], `${CACHE_KEY_PREFIX}${key}`)
      } catch (error) {
        core.info(
          `policy-gate: the compiled policies were not saved to the Actions cache: ${(error as Error).message}`
        )
      }
    }
  }
}
