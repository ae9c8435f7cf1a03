import { replyCommand } from './reply.js'

export const cancelCommand = replyCommand('cancel')
