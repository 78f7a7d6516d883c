// Start-up: the CLI runs as compiled JavaScript and a command loads only what
// it uses. These check which modules a run loads (a module hook logs them),
// not how long it takes; the timings are in `npm run bench`.
import { mkdirSync, readFileSync, writeFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram, COMMANDS } from '../../lib/cli/main.ts';
import { REPO_ROOT } from '../../lib/paths.ts';
import { isFresh } from '../../scripts/build-cli.mjs';
import { loadedModules } from '../helpers/modules.ts';
import { testTempDir } from '../helpers/tmp.ts';

const repoFile = (url: string) => url.startsWith(`file://${REPO_ROOT}/`) ? url.slice(`file://${REPO_ROOT}/`.length) : null;
const pkg = (url: string) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? null;

const page = join(testTempDir('startup'), 'zero.bin');
writeFileSync(page, new Uint8Array(4096));

describe('CLI start-up', () => {
  it.each([
    [['msr', 'decode', '0x1']],
    [['ghcb', 'decode', page]],
    [['explain', '0x13']],
    [['--help']],
  ])('%j runs compiled JavaScript and loads neither ts-morph, TypeScript, handlebars nor tsx', async (args) => {
    const r = await loadedModules(args);
    expect(r.exitCode).toBe(0);
    const packages = new Set(r.modules.map(pkg).filter((p) => p !== null));
    for (const heavy of ['ts-morph', 'typescript', 'handlebars', 'tsx', 'esbuild']) expect(packages, heavy).not.toContain(heavy);
    // Nothing from the repository is loaded as TypeScript: the code is the build under .build/cli.
    const sources = r.modules.map(repoFile).filter((p) => p !== null);
    expect(sources.filter((p) => p.endsWith('.ts'))).toEqual([]);
    expect(sources.some((p) => p.startsWith('.build/cli'))).toBe(true);
  });

  it.each([
    [['msr', 'decode', '0x1']],
    [['ghcb', 'decode', page]],
    [['explain', '0x13']],
    [['--help']],
  ])('%j loads no chunk with zod in it (the model and the firmware tables come validated, as data)', async (args) => {
    const r = await loadedModules(args);
    expect(r.exitCode).toBe(0);
    const built = r.modules.map(repoFile).filter((p): p is string => p?.startsWith('.build/') === true);
    expect(built.length).toBeGreaterThan(0);
    // esbuild marks each bundled source with a comment naming its path.
    const withZod = built.filter((p) => /^\/\/ .*node_modules\/zod\//m.test(readFileSync(join(REPO_ROOT, p), 'utf8')));
    expect(withZod).toEqual([]);
  });

  it('generate loads neither ts-morph nor TypeScript, and of Handlebars only its runtime (templates precompiled)', async () => {
    const r = await loadedModules(['generate', '--check']);
    expect(r.exitCode).toBe(0);
    const packages = new Set(r.modules.map(pkg).filter((p) => p !== null));
    for (const heavy of ['ts-morph', 'typescript', 'tsx', 'esbuild']) expect(packages, heavy).not.toContain(heavy);
    const handlebars = r.modules.filter((u) => pkg(u) === 'handlebars').map((u) => u.replace(/^.*\/node_modules\/handlebars\//, ''));
    expect(handlebars).toEqual(['runtime.js']);
  });

  it('--help loads no command module', async () => {
    const r = await loadedModules(['--help']);
    const built = r.modules.map(repoFile).filter((p) => p?.startsWith('.build/')).map((p) => p!.replace(/^.*\//, ''));
    // The entry and the chunk it shares with the commands; no chunk named after a command.
    expect(built.filter((f) => COMMANDS.some((c) => f.startsWith(`${c.name}-`)))).toEqual([]);
  });

  it.each([
    [['msr', 'decode', '0x1'], ['msr']],
    [['ghcb', 'decode', page], ['ghcb']],
    // `ghcb validate` lives in nae.ts.
    [['ghcb', 'validate', page], ['ghcb', 'nae']],
  ])('%j loads the command modules %j and no other', async (args, expected) => {
    const r = await loadedModules(args);
    const built = r.modules.map(repoFile).filter((p) => p?.startsWith('.build/')).map((p) => p!.replace(/^.*\//, ''));
    const commands = COMMANDS.map((c) => c.name).filter((n) => built.some((f) => f.startsWith(`${n}-`)));
    expect(commands).toEqual(expected);
  });

  it("the registry's help lines are the ones the command modules register", async () => {
    // Top-level help with placeholders only must read exactly as with every module loaded.
    const light = await buildProgram([]);
    const full = await buildProgram('all');
    expect(light.helpInformation()).toBe(full.helpInformation());
    expect(full.commands.map((c) => c.name())).toEqual([...COMMANDS.map((c) => c.name), ...(full.commands.some((c) => c.name() === 'help') ? ['help'] : [])]);
  });

  it('a build is stale once one of its sources is newer, or gone', () => {
    const root = testTempDir('fresh');
    const cli = join(root, 'cli');
    mkdirSync(cli);
    mkdirSync(join(root, 'lib'));
    writeFileSync(join(root, 'lib/a.ts'), 'export {};\n');
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(root, 'lib/a.ts'), old, old);
    expect(isFresh(root, cli)).toBe(false); // no manifest: no build
    writeFileSync(join(cli, 'manifest.json'), JSON.stringify({ builtAt: Date.now() - 1000, inputs: ['lib/a.ts'] }));
    expect(isFresh(root, cli)).toBe(true);
    writeFileSync(join(root, 'lib/a.ts'), 'export const changed = 1;\n');
    expect(isFresh(root, cli)).toBe(false);
    writeFileSync(join(cli, 'manifest.json'), JSON.stringify({ builtAt: Date.now() + 1000, inputs: ['lib/a.ts', 'lib/gone.ts'] }));
    expect(isFresh(root, cli)).toBe(false);
  });
});
