/** A real JupyterLab (from the venvs examples/jupyterlab/scripts/setup-venv.sh makes) on loopback. */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CHROMIUM_PATH, chromiumInstalled } from '../../support/browser.js'

export type Flavor = 'base' | 'collab'

const EXAMPLE = fileURLToPath(new URL('../../../examples/jupyterlab/', import.meta.url))

export function venvOf(flavor: Flavor): string {
  return join(EXAMPLE, '.venvs', flavor)
}

/** What is missing for the suite to run here (empty when everything is in place). */
export function missingPrerequisites(): string[] {
  const missing: string[] = []
  if (!chromiumInstalled()) missing.push(`${CHROMIUM_PATH} (apt-get install -y chromium)`)
  for (const flavor of ['base', 'collab'] as const) {
    const extension = join(venvOf(flavor), 'share/jupyter/labextensions/lectern-jupyterlab/package.json')
    if (!existsSync(extension)) missing.push(`the extension in ${venvOf(flavor)} (bash examples/jupyterlab/scripts/ci.sh)`)
  }
  return missing
}

export interface JupyterLabServer {
  /** http://127.0.0.1:PORT/ */
  url: string
  /** The server's root directory (notebooks live here). */
  rootDir: string
  output(): string
  stop(): Promise<void>
}

export interface StartOptions {
  flavor: Flavor
  /** This extension's settings (schema/plugin.json). */
  lecternSettings: Record<string, string>
}

async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  await once(server, 'close')
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/**
 * Starts `jupyter lab` with its own config, data, settings and workspace directories, no token,
 * no browser, as root; resolves once it answers on /api/status.
 */
export async function startJupyterLab(options: StartOptions): Promise<JupyterLabServer> {
  const home = await mkdtemp(join(tmpdir(), `lectern-jupyterlab-${options.flavor}-`))
  const rootDir = join(home, 'notebooks')
  const settingsDir = join(home, 'settings')
  await mkdir(rootDir)
  await writeSettings(settingsDir, 'lectern-jupyterlab:plugin', options.lecternSettings)
  // No news or update checks: nothing to reach, and no toast over the screenshots.
  await writeSettings(settingsDir, '@jupyterlab/apputils-extension:notification', { fetchNews: 'false', checkForUpdates: false })
  const port = await freePort()
  const venv = venvOf(options.flavor)
  const env = {
    ...process.env,
    HOME: home,
    JUPYTER_CONFIG_DIR: join(home, 'config'),
    JUPYTER_DATA_DIR: join(home, 'data'),
    JUPYTER_RUNTIME_DIR: join(home, 'runtime'),
    JUPYTERLAB_SETTINGS_DIR: settingsDir,
    JUPYTERLAB_WORKSPACES_DIR: join(home, 'workspaces'),
    PATH: `${join(venv, 'bin')}:${process.env['PATH'] ?? ''}`,
  }
  const child = spawn(
    join(venv, 'bin', 'jupyter'),
    [
      'lab', '--no-browser', '--allow-root',
      '--ServerApp.ip=127.0.0.1', `--ServerApp.port=${port}`, '--ServerApp.port_retries=0',
      '--IdentityProvider.token=', '--ServerApp.password=', '--ServerApp.disable_check_xsrf=True',
      `--ServerApp.root_dir=${rootDir}`, '--LabApp.expose_app_in_browser=True',
    ],
    // In its home: jupyter-collaboration keeps its document store (.jupyter_ystore.db) in the
    // working directory, which would otherwise carry documents from one run into the next.
    { cwd: home, env, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const url = `http://127.0.0.1:${port}/`
  await waitUntilServing(child, url, () => output)
  return {
    url,
    rootDir,
    output: () => output,
    stop: async () => {
      await stopProcess(child)
      await rm(home, { recursive: true, force: true })
    },
  }
}

/** Changes this extension's settings on the server, as the Settings Editor does; pages loaded after see them. */
export async function saveLecternSettings(lab: JupyterLabServer, values: Record<string, string>): Promise<void> {
  const url = new URL('lab/api/settings/lectern-jupyterlab:plugin', lab.url)
  const answer = await fetch(url, { method: 'PUT', body: JSON.stringify({ raw: JSON.stringify(values) }) })
  if (!answer.ok) throw new Error(`saving the Lectern settings: ${answer.status} ${await answer.text()}`)
}

/** User settings of one plugin (`package:plugin`), as JupyterLab keeps them on disk. */
async function writeSettings(dir: string, pluginId: string, values: object): Promise<void> {
  const [extension, plugin] = pluginId.split(':') as [string, string]
  await mkdir(join(dir, extension), { recursive: true })
  await writeFile(join(dir, extension, `${plugin}.jupyterlab-settings`), JSON.stringify(values))
}

/** Waits for the server's "is running at" line, then for /api/status to answer. */
async function waitUntilServing(child: ChildProcess, url: string, output: () => string): Promise<void> {
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`jupyter lab exited with ${String(code)}:\n${output()}`)
  })
  const announced = new Promise<void>((resolve) => {
    const look = (): void => {
      if (output().includes(url)) {
        child.stderr!.off('data', look)
        child.stdout!.off('data', look)
        resolve()
      }
    }
    child.stderr!.on('data', look)
    child.stdout!.on('data', look)
  })
  exited.catch(() => undefined) // its later, normal exit (stop()) is no error
  await Promise.race([announced, exited])
  // Extensions may log the URL before the server listens: ask until it answers (or exits).
  const deadline = Date.now() + 60_000
  for (;;) {
    const answer = await fetch(new URL('api/status', url)).catch((error: unknown) => error as Error)
    if (!(answer instanceof Error)) {
      if (!answer.ok) throw new Error(`jupyter lab answered ${answer.status} on /api/status`)
      return
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`jupyter lab did not answer:\n${output()}`, { cause: answer })
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}
