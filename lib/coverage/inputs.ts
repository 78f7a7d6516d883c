// Reads the report's inputs from the repository: what the emitters generate
// (in memory, so the report never lags the schema), which tests exist, and
// the xl.cfg surface.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { EModel } from '../../generators/elaborate/model.ts';
import { emitLayoutProbe } from '../../generators/emit/c-probe/emit.ts';
import { productFiles } from '../../generators/emitters.ts';
import { hex } from '../../generators/emit/common.ts';
import { cocoConfig } from '../../schema/coco-config.ts';
import { naeTables } from '../nae/table.ts';
import { REPO_ROOT } from '../paths.ts';
import type { CoverageInputs } from './report.ts';
import type { TestInputs } from './tests.ts';
import type { TextFile } from './token-index.ts';
import type { XenTree } from './xen.ts';

/** Test files that must not count as exercising items: the coverage/host/explain suites test this tool, and fixtures are data for other tests. */
const NOT_TESTS = [/^test\/unit\/(coverage|host|explain)-/, /^test\/browser\//, /^test\/fixtures\//, /^test\/linux\//];
const TEST_EXT = /\.(ts|json|c|h|txt|hex|bin\.txt)$/;

function walk(root: string, dir: string, out: TextFile[]): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    // Build outputs (.build/, gitignored) and dependencies are not tests, and would make the report differ from a clean clone's.
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(root, p, out);
    else if (e.isFile() && TEST_EXT.test(e.name)) {
      const rel = relative(root, p);
      if (!NOT_TESTS.some((r) => r.test(rel))) out.push({ path: rel, contents: readFileSync(p, 'utf8') });
    }
  }
}

export function generatedFiles(model: EModel): TextFile[] {
  return productFiles(model)
    .map((f) => ({ path: f.path, contents: f.contents }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function testInputs(model: EModel, root = REPO_ROOT): TestInputs {
  const testFiles: TextFile[] = [];
  walk(root, join(root, 'test'), testFiles);
  const specs = testFiles.filter((f) => f.path.endsWith('.test.ts'));
  const probeRun = existsSync(join(root, 'test/helpers/probe.ts')) && specs.some((f) => f.contents.includes('helpers/probe.ts'));
  const crosstestRun = specs.some((f) => /harness\/(crosstest|ghcb-kinds)(\.ts)?['"]/.test(f.contents));
  return {
    testFiles,
    layoutProbe: probeRun ? (emitLayoutProbe(model)[0]?.contents ?? null) : null,
    linuxCrosscheck: existsSync(join(root, 'test/linux-crosscheck.test.ts')),
    ghcbCrosstest: crosstestRun ? generatedFiles(model).filter((f) => f.path.startsWith('generated/ts/')) : null,
  };
}

export function coverageInputs(model: EModel, xen: XenTree | null, root = REPO_ROOT): CoverageInputs {
  return {
    model,
    xl: { options: cocoConfig.options },
    generated: generatedFiles(model),
    tests: testInputs(model, root),
    xen,
    exitClasses: new Map(naeTables(model).all.map((c) => [hex(c.exitCode), c.kind])),
  };
}
