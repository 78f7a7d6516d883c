// Compiles the CLI (lib/cli/main.ts and everything it imports) to JavaScript
// under .build/cli/, so a command starts without a TypeScript loader.
//
//   node scripts/build-cli.mjs           build (npm ci runs this as `prepare`)
//
// Plain JavaScript on purpose: it must run before anything is compiled.
// The output is one entry and one chunk per lazily loaded command (esbuild
// code splitting); packages in node_modules stay external and load from there.
// .build/cli is a symlink to a fresh directory, switched atomically, so a
// command that is running while another process rebuilds keeps its own copy.
// manifest.json lists every source file that went in, with the time of the
// build: bin/xen-sev rebuilds when one of them is newer (see isFresh).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BUILD_DIR = join(ROOT, '.build');
export const CLI_DIR = join(BUILD_DIR, 'cli');
const SELF = 'scripts/build-cli.mjs';
const EXTERNAL = ['typescript', 'handlebars'];

/**
 * The bundle puts every output file in one directory, so `import.meta.url`
 * would name the chunk instead of the source file. Each repository source that
 * uses it (lib/paths.ts for the repository root, the emitters for their
 * templates) gets its own source location back instead, relative to the
 * output directory so the tree can move.
 */
function sourceUrlPlugin(outdir) {
  return {
    name: 'source-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes('/node_modules/')) return undefined;
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return { contents: text, loader: 'ts' };
        const rel = relative(outdir, args.path).split('\\').join('/');
        return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'ts' };
      });
    },
  };
}

// Bundled CommonJS (commander) calls require() for Node's own modules.
const BANNER = { js: "import { createRequire as __xenSevRequire } from 'node:module'; const require = __xenSevRequire(import.meta.url);" };

/**
 * The elaborated model, as snapshot JSON (generators/snapshot.ts), the
 * validated firmware tables (lib/firmware/fw-commands.ts) as JSON, and the
 * sources they came from; either is null when the schema does not elaborate
 * or validate (the CLI then does it at run time and reports the problem like
 * before).
 */
async function modelSnapshot(esbuild, outdir) {
  const entry = [
    "import { schemaModules } from './schema/index.ts';",
    "import { elaborate } from './generators/elaborate/elaborate.ts';",
    "import { snapshotOf } from './generators/snapshot.ts';",
    'export const snapshot = () => JSON.stringify(snapshotOf(elaborate(schemaModules)));',
    "export { validFwCommands } from './lib/firmware/fw-commands.ts';",
  ].join('\n');
  const r = await esbuild.build({
    absWorkingDir: ROOT,
    stdin: { contents: entry, resolveDir: ROOT, loader: 'ts', sourcefile: 'model-snapshot-entry.ts' },
    outfile: join(outdir, 'model-snapshot.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    banner: BANNER,
    metafile: true,
    logLevel: 'silent',
    plugins: [sourceUrlPlugin(outdir)],
  });
  const inputs = Object.keys(r.metafile.inputs).filter((p) => !p.includes('node_modules/') && p !== 'model-snapshot-entry.ts');
  let m;
  try {
    m = await import(pathToFileURL(join(outdir, 'model-snapshot.mjs')).href);
  } catch {
    rmSync(join(outdir, 'model-snapshot.mjs'), { force: true });
    return { json: null, fwJson: null, inputs };
  }
  const attempt = (f) => {
    try {
      return f();
    } catch {
      return null;
    }
  };
  try {
    return { json: attempt(() => m.snapshot()), fwJson: attempt(() => JSON.stringify(m.validFwCommands())), inputs };
  } finally {
    rmSync(join(outdir, 'model-snapshot.mjs'), { force: true });
  }
}

/** In the CLI bundle, lib/firmware/fw-commands.ts becomes fw-commands-compiled.ts (the validated tables as data). */
function compiledFwPlugin() {
  return {
    name: 'compiled-fw-commands',
    setup(build) {
      build.onResolve({ filter: /\/fw-commands\.ts$/ }, (args) => {
        const p = resolve(args.resolveDir, args.path);
        return p === join(ROOT, 'lib/firmware/fw-commands.ts') ? { path: join(ROOT, 'lib/firmware/fw-commands-compiled.ts') } : undefined;
      });
    },
  };
}

/** In the CLI bundle, generators/model.ts becomes generators/model-compiled.ts (the model as data). */
function compiledModelPlugin() {
  return {
    name: 'compiled-model',
    setup(build) {
      build.onResolve({ filter: /\/model\.ts$/ }, (args) => {
        const p = resolve(args.resolveDir, args.path);
        return p === join(ROOT, 'generators/model.ts') ? { path: join(ROOT, 'generators/model-compiled.ts') } : undefined;
      });
    },
  };
}

/**
 * zod (used by the generated TypeScript codec) exports its error messages in
 * sixty languages, half of its code; it uses English unless told otherwise,
 * and nothing here tells it otherwise. The bundle keeps English only.
 */
function zodEnglishOnlyPlugin() {
  return {
    name: 'zod-english-only',
    setup(build) {
      build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({ contents: 'export { default as en } from "./en.js";\n', loader: 'js' }));
    },
  };
}

const TEMPLATE_MODULE = join(ROOT, 'generators/emit/template.ts');

/**
 * The emitters' Handlebars templates, precompiled: generators/emit/template.ts
 * (its TEMPLATES table, read through a throwaway bundle like the model
 * snapshot) becomes a module holding each template as compiled JavaScript,
 * run by Handlebars' small runtime. `generate` then neither loads the
 * Handlebars compiler nor compiles six templates on every run. Returns the
 * plugin and the template files, which count as inputs of the build.
 */
async function precompiledTemplates(esbuild, outdir) {
  const out = join(outdir, 'templates-entry.mjs');
  try {
    await esbuild.build({
      absWorkingDir: ROOT,
      stdin: { contents: "export { TEMPLATES } from './generators/emit/template.ts';", resolveDir: ROOT, loader: 'ts', sourcefile: 'templates-entry.ts' },
      outfile: out,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external: EXTERNAL,
      logLevel: 'silent',
    });
    const { TEMPLATES } = await import(pathToFileURL(out).href);
    const { default: Handlebars } = await import('handlebars');
    const specs = Object.entries(TEMPLATES).map(([name, options]) => {
      const file = join(dirname(TEMPLATE_MODULE), name);
      return { name, input: relative(ROOT, file).split('\\').join('/'), spec: Handlebars.precompile(readFileSync(file, 'utf8'), options) };
    });
    const contents = [
      "import Handlebars from 'handlebars/runtime.js';",
      `export const TEMPLATES = ${JSON.stringify(TEMPLATES)};`,
      'const SPECS = {',
      ...specs.map((t) => `  ${JSON.stringify(t.name)}: ${t.spec},`),
      '};',
      'export function template(name) {',
      '  return Handlebars.template(SPECS[name]);',
      '}',
      '',
    ].join('\n');
    const plugin = {
      name: 'precompiled-templates',
      setup(build) {
        build.onLoad({ filter: /[\\/]generators[\\/]emit[\\/]template\.ts$/ }, (args) =>
          args.path === TEMPLATE_MODULE ? { contents, loader: 'js', resolveDir: dirname(TEMPLATE_MODULE) } : undefined,
        );
      },
    };
    return { plugins: [plugin], inputs: specs.map((t) => t.input) };
  } catch {
    // The templates compile at run time instead, and a broken one is reported there.
    return { plugins: [], inputs: [] };
  } finally {
    rmSync(out, { force: true });
  }
}

/**
 * commander requires node:child_process when it loads, for subcommands that
 * are separate executables; this CLI has none, and loading child_process
 * (with net and stream) is a twentieth of what `node -e 0` takes. commander
 * gets a stand-in that loads it on first use.
 */
function lazyChildProcessPlugin() {
  return {
    name: 'lazy-child-process-for-commander',
    setup(build) {
      build.onResolve({ filter: /^node:child_process$/ }, (args) =>
        /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
        loader: 'js',
        contents: [
          "let real;",
          "const load = () => (real ??= require('node:child_process'));",
          'module.exports = new Proxy({}, { get: (_, key) => load()[key], has: (_, key) => key in load() });',
          '',
        ].join('\n'),
      }));
    },
  };
}

/** Builds into a new directory and points .build/cli at it; returns that directory. */
export async function buildCli({ quiet = false } = {}) {
  const esbuild = await import('esbuild');
  mkdirSync(BUILD_DIR, { recursive: true });
  const started = Date.now();
  const outdir = join(BUILD_DIR, `cli-${started}-${process.pid}`);
  mkdirSync(outdir);
  const model = await modelSnapshot(esbuild, outdir);
  const templates = await precompiledTemplates(esbuild, outdir);
  // Read by generators/model-compiled.ts and lib/firmware/fw-commands-compiled.ts.
  if (model.json !== null) writeFileSync(join(outdir, 'model.json'), model.json);
  if (model.fwJson !== null) writeFileSync(join(outdir, 'fw-commands.json'), model.fwJson);
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'lib/cli/main.ts' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Handlebars (its runtime: the templates come precompiled) loads from
    // node_modules; the small packages are bundled, which saves loading a
    // hundred files of zod on every start.
    external: EXTERNAL,
    banner: BANNER,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'error',
    plugins: [...(model.json === null ? [] : [compiledModelPlugin()]), ...(model.fwJson === null ? [] : [compiledFwPlugin()]), ...templates.plugins, lazyChildProcessPlugin(), zodEnglishOnlyPlugin(), sourceUrlPlugin(outdir)],
  });
  const inputs = [...new Set([SELF, ...model.inputs, ...templates.inputs, ...Object.keys(result.metafile.inputs).filter((p) => !p.includes('node_modules/') && !p.startsWith('lazy-builtin:'))])].sort();
  // The build time is taken before reading the sources: a file saved during the build counts as newer.
  writeFileSync(join(outdir, 'manifest.json'), `${JSON.stringify({ builtAt: started, esbuild: esbuild.version, modelSnapshot: model.json !== null, fwSnapshot: model.fwJson !== null, inputs }, null, 1)}\n`);
  const link = join(BUILD_DIR, `cli.link-${process.pid}`);
  rmSync(link, { force: true });
  symlinkSync(relative(BUILD_DIR, outdir), link);
  renameSync(link, CLI_DIR);
  // Earlier builds: kept a while for commands still running from them.
  for (const d of readdirSync(BUILD_DIR)) {
    const p = join(BUILD_DIR, d);
    if (!/^cli-\d+-\d+$/.test(d) || p === outdir) continue;
    if (Date.now() - statSync(p).mtimeMs > 10 * 60_000) rmSync(p, { recursive: true, force: true });
  }
  if (!quiet) process.stderr.write(`xen-sev: compiled the CLI into ${relative(ROOT, outdir)} (${inputs.length} sources, ${Date.now() - started} ms)\n`);
  return outdir;
}

/** Whether the build in `cliDir` exists and no source that went into it (relative to `root`) changed since. */
export function isFresh(root = ROOT, cliDir = CLI_DIR) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(cliDir, 'manifest.json'), 'utf8'));
  } catch {
    return false;
  }
  for (const p of manifest.inputs) {
    let st;
    try {
      st = statSync(join(root, p));
    } catch {
      return false;
    }
    if (st.mtimeMs >= manifest.builtAt) return false;
  }
  return true;
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  try {
    await buildCli();
  } catch (e) {
    process.stderr.write(`xen-sev: building the CLI failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
    process.exit(1);
  }
  if (!existsSync(join(CLI_DIR, 'main.js'))) process.exit(1);
}
