// Narrow declarations for brittle 4 as Tally's tests use it.
declare module 'brittle' {
  export interface Test {
    is(actual: unknown, expected: unknown, message?: string): void
    not(actual: unknown, expected: unknown, message?: string): void
    alike(actual: unknown, expected: unknown, message?: string): void
    unlike(actual: unknown, expected: unknown, message?: string): void
    ok(value: unknown, message?: string): void
    absent(value: unknown, message?: string): void
    pass(message?: string): void
    fail(message?: string): void
    comment(...args: unknown[]): void
    exception(fn: Promise<unknown> | (() => unknown), expected?: unknown, message?: string): Promise<void>
    execution(fn: Promise<unknown> | (() => unknown), message?: string): Promise<void>
    plan(n: number): void
    timeout(ms: number): void
    teardown(fn: () => unknown, opts?: { order?: number }): void
    test(name: string, fn: (t: Test) => unknown): Promise<void>
    end(): void
  }
  interface TestFn {
    (name: string, fn: (t: Test) => unknown): Promise<void>
    (name: string, opts: { timeout?: number; skip?: boolean }, fn: (t: Test) => unknown): Promise<void>
    skip(name: string, fn: (t: Test) => unknown): Promise<void>
    solo(name: string, fn: (t: Test) => unknown): Promise<void>
    configure(opts: { timeout?: number; bail?: boolean; serial?: boolean }): void
  }
  const test: TestFn
  export default test
}
