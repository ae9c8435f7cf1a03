#!/usr/bin/env node
// Runs every built test file (dist/test/**/*.test.js) with brittle-node, one process per file
// so a hung file is killed alone, then prints "N passed, N failed" from brittle's counts.
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

let passed = 0
let failed = 0
const failures = []

for (const file of files) {
  const rel = path.relative(root, file)
  process.stdout.write(`\n### ${rel}\n`)
  const started = Date.now()
  const { code, out } = await run(brittle, [rel])
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

if (failures.length) console.log('\nfailed:\n  ' + failures.join('\n  '))
console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failed > 0 || files.length === 0 ? 1 : 0)

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      process.stdout.write(d)
    })
    child.stderr.on('data', (d) => process.stderr.write(d))
    const timer = setTimeout(() => {
      out += `\n# killed after ${FILE_TIMEOUT_MS} ms\n`
      child.kill('SIGKILL')
    }, FILE_TIMEOUT_MS)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, out })
    })
  })
}
