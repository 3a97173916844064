// lectern/client is built in the repository root and imports yjs, y-websocket and lib0 from
// there. Resolve every package from this extension's node_modules first, so the bundle has one
// copy of each and the builder's own shims (process/browser) are found from the root's files too.
const path = require('path')

module.exports = {
  resolve: {
    modules: [path.resolve(__dirname, 'node_modules'), 'node_modules'],
  },
}
