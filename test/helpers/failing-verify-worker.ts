/**
 * A signature worker that fails on its first batch, for the verifier's recovery tests: on
 * even thread ids it exits without an error, on odd ones it throws (an 'error' then 'exit').
 */
import { parentPort, threadId } from 'worker_threads'

parentPort!.on('message', () => {
  if (threadId % 2 === 0) process.exit(3)
  throw new Error('verify worker failed (test)')
})
