/**
 * Measures the built WeChat mini program (miniapp/dist/weapp): the main package is every file not under a
 * subpackage root from app.json. WeChat refuses a main package over 2 MB; we hold ours under 1 MB.
 * Usage: npx tsx scripts/check-weapp-size.ts [distDir]   (exits 1 above the limit)
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'

const LIMIT = 1024 * 1024
const dist = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '../miniapp/dist/weapp'))

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? walk(p) : [p]
  })
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`

let app: { subPackages?: { root: string }[]; subpackages?: { root: string }[] }
try {
  app = JSON.parse(readFileSync(path.join(dist, 'app.json'), 'utf8'))
} catch {
  console.error(`No built mini program at ${dist} (app.json missing): run npm run build:weapp first.`)
  process.exit(2)
}
const roots = [...(app.subPackages ?? []), ...(app.subpackages ?? [])].map((s) => s.root.replace(/^\/|\/$/g, ''))
// WeChat ignores these when uploading the package (project.config.json / sourcemaps are not shipped).
const ignored = (rel: string) => rel.endsWith('.map') || rel === 'project.config.json' || rel === 'project.private.config.json'

const sizes = new Map<string, number>([['(main)', 0], ...roots.map((r) => [r, 0] as [string, number])])
const mainFiles: [string, number][] = []
for (const file of walk(dist)) {
  const rel = path.relative(dist, file).split(path.sep).join('/')
  if (ignored(rel)) continue
  const size = statSync(file).size
  const root = roots.find((r) => rel === r || rel.startsWith(`${r}/`))
  sizes.set(root ?? '(main)', (sizes.get(root ?? '(main)') ?? 0) + size)
  if (!root) mainFiles.push([rel, size])
}

const main = sizes.get('(main)')!
console.log(`WeChat mini program at ${path.relative(process.cwd(), dist) || dist}`)
for (const [name, size] of sizes) console.log(`  ${name.padEnd(16)} ${kb(size).padStart(10)}`)
const total = [...sizes.values()].reduce((a, b) => a + b, 0)
console.log(`  ${'(total)'.padEnd(16)} ${kb(total).padStart(10)}`)
console.log('Largest files in the main package:')
for (const [rel, size] of mainFiles.sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${kb(size).padStart(10)}  ${rel}`)
if (main > LIMIT) {
  console.error(`Main package is ${kb(main)}, over the ${kb(LIMIT)} limit.`)
  process.exit(1)
}
console.log(`Main package ${kb(main)} is within the ${kb(LIMIT)} limit.`)
