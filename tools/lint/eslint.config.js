// The one lint configuration of tally-ledger: `npm run lint` (scripts/lint.js), run by .ci/run before
// the tests. It lives beside its own package.json (see there why); paths below are the repository's.
// A rule is turned off only with its reason next to it.
import path from 'path'
import { fileURLToPath } from 'url'
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

const node = Object.fromEntries(
  ['process', 'console', 'Buffer', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'queueMicrotask',
    'TextEncoder', 'TextDecoder', 'URL', 'AbortController', 'AbortSignal', 'structuredClone', 'performance', 'fetch'].map((g) => [g, 'readonly'])
)
const browser = Object.fromEntries(
  ['window', 'document', 'location', 'history', 'sessionStorage', 'EventSource', 'getComputedStyle', 'matchMedia', 'Node', 'crypto', 'console', 'fetch',
    'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'URL', 'URLSearchParams', 'FormData', 'HTMLElement', 'Event', 'CustomEvent', 'requestAnimationFrame'].map((g) => [g, 'readonly'])
)

export default tseslint.config(
  { basePath: '../..' },
  { ignores: ['dist/**', '**/node_modules/**', 'bench/results/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: node },
    rules: {
      // Destructuring that leaves fields out names them `_x`; a rest sibling drops what it names.
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_', argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // An empty catch is a deliberate best effort (closing what may already be closed, a signal to a process that may be gone).
      'no-empty': ['error', { allowEmptyCatch: true }]
    }
  },
  {
    // A promise nobody awaits or catches loses its error (an unhandled rejection ends the node). These two rules
    // need type information, which costs time, so they run where the product code is.
    files: ['src/**/*.ts', 'protocol/**/*.ts', 'cli/**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: root } },
    rules: { '@typescript-eslint/no-floating-promises': 'error', '@typescript-eslint/no-misused-promises': 'error' }
  },
  {
    files: ['web/**/*.js'],
    languageOptions: { globals: browser }
  },
  {
    // The shipped declarations are referenced with `preserve="true"` so that dist/src/index.d.ts keeps them
    // (ARCHITECTURE.md, "Public types"); an import cannot do that for ambient `declare module` files.
    files: ['src/index.ts'],
    rules: { '@typescript-eslint/triple-slash-reference': 'off' }
  },
  {
    // `any` where it is the honest type: declarations of untyped JavaScript packages (types/), the objects
    // those packages hand over untyped (connections, cores, Autobase's view type), JSON read back from
    // the view or a child process, and tests and benchmarks that build malformed input or read private
    // state on purpose. Elsewhere (protocol/, the rest of src/ and cli/) it is an error.
    files: [
      'types/**/*.d.ts', 'test/**/*.ts', 'bench/**/*.ts',
      'src/network/swarm.ts', 'src/network/presence-channel.ts', 'src/audit/block-reader.ts', 'src/audit/view-reader.ts',
      'src/confirmation-nudge.ts', 'src/bee-store.ts', 'src/governance-records.ts', 'src/storage.ts', 'src/node/service.ts', 'src/ui/api.ts',
      'cli/command.ts', 'cli/processes.ts', 'cli/commands/demo.ts'
    ],
    rules: { '@typescript-eslint/no-explicit-any': 'off' }
  }
)
