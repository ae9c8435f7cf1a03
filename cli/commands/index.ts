/**
 * Every `tally` command, in the order `tally --help` lists them. A new command is one file in
 * this folder plus one line here.
 */
import type { CommandSpec } from '../command.js'
import { initCommand } from './init.js'
import { ledgerCreateCommand } from './ledger-create.js'
import { upCommand } from './up.js'
import { uiCommand } from './ui.js'
import { bootstrapCommand } from './bootstrap.js'
import { inviteCommand } from './invite.js'
import { uninviteCommand } from './uninvite.js'
import { joinCommand } from './join.js'
import { payCommand } from './pay.js'
import { invoiceCommand } from './invoice.js'
import { acceptCommand } from './accept.js'
import { declineCommand } from './decline.js'
import { cancelCommand } from './cancel.js'
import { invoicesCommand } from './invoices.js'
import { balanceCommand } from './balance.js'
import { membersCommand } from './members.js'
import { historyCommand } from './history.js'
import { statusCommand } from './status.js'
import { limitsCommand } from './limits.js'
import { leaveCommand, suspendCommand } from './membership.js'
import { auditCommand } from './audit.js'
import { demoCommand } from './demo.js'
import { restoreCommand } from './restore.js'
import { proposeCommand } from './propose.js'
import { proposalsCommand } from './proposals.js'
import { objectCommand, voteCommand, withdrawCommand } from './ballot.js'
import { policyCommand } from './policy.js'
import { linkCommand } from './link.js'
import { linksCommand } from './links.js'
import { mirrorCommand } from './mirror.js'
import { mirrorsAddCommand, mirrorsCommand, mirrorsRemoveCommand } from './mirrors.js'

export const COMMANDS: CommandSpec[] = [
  initCommand,
  ledgerCreateCommand,
  upCommand,
  uiCommand,
  bootstrapCommand,
  inviteCommand,
  uninviteCommand,
  joinCommand,
  payCommand,
  invoiceCommand,
  acceptCommand,
  declineCommand,
  cancelCommand,
  invoicesCommand,
  balanceCommand,
  membersCommand,
  historyCommand,
  statusCommand,
  limitsCommand,
  suspendCommand,
  leaveCommand,
  proposeCommand,
  proposalsCommand,
  voteCommand,
  objectCommand,
  withdrawCommand,
  policyCommand,
  linkCommand,
  linksCommand,
  mirrorsCommand,
  mirrorsAddCommand,
  mirrorsRemoveCommand,
  mirrorCommand,
  auditCommand,
  restoreCommand,
  demoCommand
]
