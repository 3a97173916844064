export * from './messages.js'
export * from './awareness.js'
export * from './sync.js'
export * from './bytes.js'
