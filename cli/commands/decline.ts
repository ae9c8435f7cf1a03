import { replyCommand } from './reply.js'

export const declineCommand = replyCommand('decline')
