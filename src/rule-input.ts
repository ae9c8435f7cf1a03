/**
 * The one place that gathers what a rule reads: the precheck of a local write (local-writer.ts)
 * and the apply pipeline (apply-block.ts) both call it, so they read the same records in the same
 * way and cannot drift apart.
 */
import { counterpartyOf, lookups, nameKey, toHex, type Entry, type EntryId, type Hex, type WriterKey, type Invoice, type Member, type RuleInput } from '../protocol/index.js'
import type { StateStore } from './state-store.js'
import { gatherFederation } from './federation-apply.js'

/** The reads a rule input needs: the read half of a StateStore (BeeStore, BeeReaderStore, MemoryStore). */
export type StateReader = Pick<
  StateStore,
  'getMeta' | 'getMember' | 'getInvoice' | 'accountOfName' | 'accountOfWriter' | 'getGov' | 'getProposal' | 'getInvite' | 'getLink' | 'getHold' | 'getFed' | 'listMembers'
>

/** Where the entry is decided: the ledger, the entry's id, and the writer core appending it. */
export interface RuleSite {
  ledgerKey: Hex
  id: EntryId
  writer: WriterKey
}

/**
 * Reads everything `evaluate(input, entry)` needs. `author`, when given, stands in for the author's
 * record (the precheck passes one with in-flight spending taken off); otherwise it is read.
 * Returns the invoice too, which the caller's record of the entry names.
 */
export async function ruleInput(reader: StateReader, entry: Entry, site: RuleSite, opts: { author?: Member | null } = {}): Promise<{ input: RuleInput; invoice: Invoice | null }> {
  const meta = await reader.getMeta()
  const look = lookups(entry)
  const invoice = look.invoice === null ? null : await reader.getInvoice(look.invoice)
  const author = opts.author !== undefined ? opts.author : await reader.getMember(toHex(entry.author))
  // Links, holds, witnesses and the author's clock for federation entries (SPEC.md §12); nothing for others.
  const fed = await gatherFederation(reader, entry, look, author, meta ? meta.entries : 0)
  const counterparty = look.hold ? fed.counterparty : counterpartyOf(entry, invoice)
  const input: RuleInput = {
    ledgerKey: site.ledgerKey,
    meta,
    id: site.id,
    writer: site.writer,
    author,
    counterparty: counterparty === null ? null : await reader.getMember(counterparty),
    invoice,
    nameTaken: look.name === null ? false : (await reader.accountOfName(nameKey(look.name))) !== null,
    writerTakenBy: look.writer === null ? null : await reader.accountOfWriter(look.writer),
    gov: await reader.getGov(),
    proposal: look.proposal ? await reader.getProposal(look.proposal) : null,
    invite: look.invite ? await reader.getInvite(look.invite) : null,
    position: meta ? meta.entries : 0,
    ...fed.input
  }
  return { input, invoice }
}

