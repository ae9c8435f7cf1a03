#!/usr/bin/env node
// Runs every built test file (dist/test/**/*.test.js) with brittle-node, one process per file
// so a hung file is killed alone (two files at a time, see JOBS), then prints "N passed, N failed" from brittle's counts.
import { spawn } from 'child_process'
import fs from 'fs'
import path from 'path'
import { fileURLToPath } from 'url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const FILE_TIMEOUT_MS = Number(process.env.TALLY_TEST_FILE_TIMEOUT_MS || 600_000)
const only = process.argv.slice(2)

function findTests(dir) {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name)
    if (d.isDirectory()) return findTests(p)
    return d.name.endsWith('.test.js') ? [p] : []
  })
}

let files = findTests(path.join(root, 'dist', 'test')).sort()
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)))
const brittle = path.join(root, 'node_modules', '.bin', 'brittle-node')

// Two files at a time by default: most of a file's time is waiting on the network, timers and
// other processes, so two share two cores well (the suite took 12 min one at a time). Files that
// measure time or need a port nobody else takes run alone afterwards. TALLY_TEST_JOBS=1 runs all alone.
const JOBS = Math.max(1, Number(process.env.TALLY_TEST_JOBS || 2))
const ALONE = ['bootstrap-restart', 'bench-smoke', 'bench-network-smoke', 'check-scale', 'ui-browser']
const isAlone = (f) => ALONE.some((name) => path.basename(f).startsWith(name + '.'))

let passed = 0
let failed = 0
const failures = []

async function runFile(file) {
  const rel = path.relative(root, file)
  const started = Date.now()
  const { code, out, err } = await run(brittle, [rel])
  // Printed whole once the file ends, so two files running at once do not interleave.
  process.stdout.write(`\n### ${rel}\n` + out)
  if (err) process.stderr.write(err)
  const m = /# tests = (\d+)\/(\d+) pass/.exec(out)
  if (m) {
    const ok = Number(m[1])
    const total = Number(m[2])
    passed += ok
    failed += total - ok
    if (total - ok > 0) failures.push(rel)
  } else {
    failed += 1
    failures.push(rel + ' (no summary: crashed or timed out)')
  }
  if (code !== 0 && m && Number(m[1]) === Number(m[2])) {
    failed += 1
    failures.push(rel + ` (exit code ${code})`)
  }
  process.stdout.write(`### ${rel}: ${m ? m[1] + '/' + m[2] : 'no summary'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
}

const shared = files.filter((f) => JOBS > 1 && !isAlone(f))
const queue = [...shared]
await Promise.all(Array.from({ length: Math.min(JOBS, queue.length) }, async () => {
  while (queue.length > 0) await runFile(queue.shift())
}))
for (const file of files.filter((f) => !shared.includes(f))) await runFile(file)

if (failures.length) console.log('\nfailed:\n  ' + failures.join('\n  '))
console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failed > 0 || files.length === 0 ? 1 : 0)

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    const timer = setTimeout(() => {
      out += `\n# killed after ${FILE_TIMEOUT_MS} ms\n`
      child.kill('SIGKILL')
    }, FILE_TIMEOUT_MS)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, out, err })
    })
  })
}
