// Writes the licence notice of a bundle (dist/licenses.txt) from ncc's --stats-out: every npm
// package with a module in any of the bundle's chunks, with its licence id and text, in the format
// ncc's --license writes. ncc's own --license leaves out the packages of the entry chunk as soon as
// the bundle has other chunks (its lazily loaded dependencies), so it cannot be used.
//
// Usage: node scripts/licenses.mjs STATS_JSON OUTPUT
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import console from 'node:console'
import process from 'node:process'

const [statsFile, outputFile] = process.argv.slice(2)
if (!statsFile || !outputFile) {
  console.error('usage: node scripts/licenses.mjs STATS_JSON OUTPUT')
  process.exit(2)
}

/** The innermost package folder of a webpack module name (`./node_modules/a/node_modules/b/x.js`). */
function packageDir(moduleName) {
  let dir
  for (const m of moduleName.matchAll(/(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/]+/g)) {
    dir = moduleName.slice(0, m.index + m[0].length)
  }
  return dir?.replace(/^\.\//, '')
}

const readJson = file => JSON.parse(readFileSync(file, 'utf8'))
const packages = new Map()
function collect(module) {
  // Concatenated modules list the modules they hold.
  for (const inner of module.modules ?? []) collect(inner)
  const dir = packageDir(module.name ?? '')
  if (!dir) return
  const { name } = readJson(path.join(dir, 'package.json'))
  if (!packages.has(name)) packages.set(name, dir)
}
for (const module of readJson(statsFile).modules) collect(module)

const entries = [...packages]
  .sort(([a], [b]) => (a < b ? -1 : 1))
  .map(([name, dir]) => {
    const pkg = readJson(path.join(dir, 'package.json'))
    const id =
      typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? pkg.licenses?.[0]?.type)
    const file = readdirSync(dir).find(f => /^licen[cs]e/i.test(f))
    const text = file && readFileSync(path.join(dir, file), 'utf8').replace(/\r\n/g, '\n')
    return `${name}${id ? `\n${id}` : ''}${text ? `\n${text}` : ''}\n\n`
  })
writeFileSync(outputFile, `${entries.join('').trim()}\n`)
