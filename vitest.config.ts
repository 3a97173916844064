import { defineConfig } from 'vitest/config'

export default defineConfig({
  // One Yjs: examples/jupyterlab has its own node_modules, and a Y.Doc of one copy fails the other's
  // constructor checks (test/jupyterlab/reconcile.test.ts imports the extension's sources). In
  // JupyterLab too the extension shares JupyterLab's Yjs (a singleton in its package.json).
  resolve: { dedupe: ['yjs'] },
  test: {
    // Generous: many suites start lectern processes and CLI commands (a Node start-up each), and the
    // 2-core machine is shared; a test waits on events, so a long limit costs nothing when all is well.
    testTimeout: 90_000,
    hookTimeout: 90_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'embedded', include: ['test/**/*.test.ts'] } },
      {
        // The behavioural suites again, every relay on a private redis-server (test/support/relay-fixture.ts).
        extends: true,
        test: {
          name: 'redis',
          include: [
            'test/relay/{sync,readonly,awareness,auth,persistence}.test.ts',
            'test/auth/token-service-{story,api}.test.ts',
            'test/auth/{timed-grants,prefix-grants,link-revocation}.test.ts',
          ],
          env: { LECTERN_TEST_BACKEND: 'redis' },
        },
      },
    ],
  },
})
