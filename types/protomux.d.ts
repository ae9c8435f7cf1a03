// Narrow declarations for protomux 3 as Tally uses it (a channel with a handshake, on a replication stream).
declare module 'protomux' {
  interface Channel {
    open(handshake?: unknown): void
    close(): void
    readonly opened: boolean
    readonly closed: boolean
  }
  interface ChannelOptions {
    protocol: string
    id?: Uint8Array | null
    handshake?: unknown
    unique?: boolean
    messages?: unknown[]
    onopen?: (handshake: any) => void | Promise<void>
    onclose?: () => void | Promise<void>
    ondestroy?: () => void | Promise<void>
  }
  class Protomux {
    static from(stream: unknown, opts?: unknown): Protomux
    createChannel(opts: ChannelOptions): Channel | null
  }
  export default Protomux
}
