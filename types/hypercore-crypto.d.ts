// Narrow declarations for hypercore-crypto and flat-tree as the auditor and the mirror use them (internal: not shipped).
declare module 'hypercore-crypto' {
  import type { TreeNode } from 'hypercore'
  const crypto: {
    /** Leaf hash of a block. */
    data(block: Uint8Array): Uint8Array
    /** Hash of a parent node over two children. */
    parent(a: TreeNode, b: TreeNode): Uint8Array
    /** The tree hash over a list of roots. */
    tree(roots: TreeNode[]): Uint8Array
    /** An Ed25519 key pair, from a 32-byte seed when given (src/network/mirror.ts). */
    keyPair(seed?: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array }
    randomBytes(n: number): Uint8Array
  }
  export default crypto
}

declare module 'flat-tree' {
  const flat: {
    fullRoots(index: number): number[]
    parent(index: number): number
    depth(index: number): number
  }
  export default flat
}
