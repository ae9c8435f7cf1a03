// Narrow declarations for compact-encoding as Tally uses it.
declare module 'compact-encoding' {
  export interface State { start: number; end: number; buffer: Uint8Array | null }
  export interface Encoding<T> {
    preencode(state: State, value: T): void
    encode(state: State, value: T): void
    decode(state: State): T
  }
  interface CompactEncoding {
    state(start?: number, end?: number, buffer?: Uint8Array | null): State
    uint: Encoding<number>
    uint8: Encoding<number>
    uint16: Encoding<number>
    uint32: Encoding<number>
    biguint64: Encoding<bigint>
    bool: Encoding<boolean>
    fixed32: Encoding<Uint8Array>
    fixed64: Encoding<Uint8Array>
    buffer: Encoding<Uint8Array | null>
    raw: Encoding<Uint8Array>
    string: Encoding<string>
    utf8: Encoding<string>
    encode<T>(enc: Encoding<T>, value: T): Uint8Array
    decode<T>(enc: Encoding<T>, buffer: Uint8Array): T
  }
  const c: CompactEncoding
  export default c
}
