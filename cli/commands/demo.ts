import type { StandaloneCommand } from '../command.js'
export const demoCommand: StandaloneCommand<Record<string, never>, void> = {
  name: 'demo',
  scope: 'standalone',
  longRunning: true,
  summary: 'three co-ops on a private loopback network: invite, trade, sync, audit',
  run: async () => {},
  render: () => ''
}
