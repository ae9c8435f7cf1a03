#!/usr/bin/env node
// The `tally` command: runs the built CLI (`npm run build` makes dist/).
import { main } from '../dist/cli/main.js'

const code = await main(process.argv.slice(2))
// Exit even if a library left a timer or socket behind; stdout and stderr are synchronous for files and pipes here.
process.exit(code)
