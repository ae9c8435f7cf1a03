import { replyCommand } from './reply.js'

export const acceptCommand = replyCommand('accept')
