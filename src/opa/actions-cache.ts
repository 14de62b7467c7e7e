/**
 * The compiled bundle shared between workflow runs through the Actions cache. Best effort: when
 * the cache service is not there (a local run, GHES without it) or fails, the run compiles as if
 * nothing was cached, and says so in the log; a restored bundle is verified by digest before use.
 *
 * @actions/cache (with the Azure storage SDK under it) is loaded on first use, a chunk of dist/
 * of its own: a run whose bundle is in the runner's cache, or built in, never loads it.
 */
import type * as ActionsCache from '@actions/cache'
import * as core from '@actions/core'
import type { SharedCache } from './compile.js'

export const CACHE_KEY_PREFIX = 'policy-gate-bundle-'

/** @actions/cache when the runner offers the cache service, else undefined. */
async function cacheService(): Promise<typeof ActionsCache | undefined> {
  const cache = await import('@actions/cache')
  return cache.isFeatureAvailable() ? cache : undefined
}

export function actionsCache(): SharedCache {
  return {
    async restore(dir, key) {
      const cache = await cacheService()
      if (!cache) return false
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
      const cache = await cacheService()
      if (!cache) return
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
