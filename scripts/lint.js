#!/usr/bin/env node
// `npm run lint`: ESLint with typescript-eslint over the whole tree, configured once in
// tools/lint/eslint.config.js. The linter is its own package (tools/lint/package.json says why);
// it is installed from its lockfile the first time, then runs. Exit code: ESLint's.
import { spawnSync } from 'child_process'
import fs from 'fs'
import path from 'path'
import { fileURLToPath } from 'url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const tools = path.join(root, 'tools', 'lint')
const eslint = path.join(tools, 'node_modules', 'eslint', 'bin', 'eslint.js')

if (!fs.existsSync(eslint)) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const installed = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--prefix', tools], { stdio: 'inherit' })
  if (installed.status !== 0) process.exit(installed.status ?? 1)
}
const run = spawnSync(process.execPath, [eslint, '-c', path.join(tools, 'eslint.config.js'), ...(process.argv.length > 2 ? process.argv.slice(2) : ['.'])], { cwd: root, stdio: 'inherit' })
process.exit(run.status ?? 1)
