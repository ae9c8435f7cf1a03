/**
 * Recomputes a hypercore's Merkle roots from its raw blocks, so the auditor checks every stored
 * block against the signed tree itself instead of trusting the store's tree nodes.
 *
 * Leaves sit at even flat-tree indexes (block i at 2i); a parent hashes its two children. Adding
 * leaves left to right, two nodes of equal depth on top of the stack are always siblings, so the
 * stack ends as the tree's full roots (like the carries of a binary counter).
 */
import crypto from 'hypercore-crypto'
import flat from 'flat-tree'
import type { TreeNode } from 'hypercore'

export class MerkleRoots {
  private readonly stack: TreeNode[] = []
  private length = 0

  /** Adds the next block (its bytes as stored: ciphertext when the core is encrypted). */
  push(block: Uint8Array): void {
    let node: TreeNode = { index: 2 * this.length++, size: block.byteLength, hash: crypto.data(block) }
    while (this.stack.length > 0 && flat.depth(this.stack[this.stack.length - 1].index) === flat.depth(node.index)) {
      const left = this.stack.pop()!
      node = { index: flat.parent(left.index), size: left.size + node.size, hash: crypto.parent(left, node) }
    }
    this.stack.push(node)
  }

  /** The tree hash hypercore signs, over the roots of the blocks pushed so far. */
  treeHash(): Uint8Array {
    return crypto.tree(this.stack)
  }
}
