import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
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
