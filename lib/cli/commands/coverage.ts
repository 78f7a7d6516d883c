import { resolve } from 'node:path';
import type { Command } from 'commander';
import { projectModel } from '../../../generators/model.ts';
import { diffReports, readReport, renderDiffMarkdown, type CoverageDiff } from '../../coverage/diff.ts';
import { renderHtml } from '../../coverage/html.ts';
import { coverageInputs } from '../../coverage/inputs.ts';
import { collectItems } from '../../coverage/items.ts';
import { renderMarkdown } from '../../coverage/markdown.ts';
import { buildReport } from '../../coverage/report.ts';
import { readXenTree, type Progress } from '../../coverage/xen.ts';
import { UserError } from '../../errors.ts';
import { writeAtomically } from '../../io.ts';

const FORMATS = ['md', 'html', 'json'] as const;
type Format = (typeof FORMATS)[number];

interface Opts {
  xen?: string;
  format: string;
  output?: string;
  diff?: string;
  json?: boolean;
}

/** Progress of reading a Xen tree on stderr: updated in place on a terminal, a line every few thousand files otherwise. */
function xenProgress(dir: string): Progress {
  const tty = process.stderr.isTTY === true;
  return (files, done) => {
    if (files === 0 && !done) process.stderr.write(`xen-sev: coverage: reading the Xen tree at ${dir}\n`);
    else if (done) process.stderr.write(`${tty ? '\r' : ''}xen-sev: coverage: ${files} files read\n`);
    else process.stderr.write(tty ? `\rxen-sev: coverage: ${files} files read...` : `xen-sev: coverage: ${files} files read...\n`);
  };
}

export function coverageCommand(program: Command): void {
  program
    .command('coverage')
    .description('what the AMD specs define, what the schema describes, what is generated and tested, and what a Xen tree references')
    .option('--xen <dir>', 'a Xen source tree: mark the items it references (by generated identifier or Xen\'s own name)')
    .option('--format <format>', `md, html or json`, 'md')
    .option('--json', 'the same as --format json')
    .option('-o, --output <file>', 'write the report to FILE instead of standard output')
    .option('--diff <old.json>', 'also list what was added, removed or changed since an earlier --format json report')
    .action((opts: Opts) => {
      if (!FORMATS.includes(opts.format as Format)) throw new UserError(`coverage: --format ${opts.format}: use one of ${FORMATS.join(', ')}`);
      if (opts.json && opts.format !== 'md' && opts.format !== 'json') throw new UserError(`coverage: --json and --format ${opts.format} ask for two formats; give one`);
      const format = opts.json ? 'json' : (opts.format as Format);
      // Read the old report first: a bad --diff path fails before the slow part.
      const old = opts.diff === undefined ? null : readReport(opts.diff);
      const model = projectModel();
      const xen = opts.xen === undefined ? null : readXenTree(resolve(opts.xen), collectItems(model, null), xenProgress(resolve(opts.xen)));
      const report = buildReport(coverageInputs(model, xen));
      const diff: CoverageDiff | null = old === null ? null : diffReports(old, report);
      let text: string;
      if (format === 'json') text = `${JSON.stringify(diff === null ? report : { ...report, diff }, null, 1)}\n`;
      else if (format === 'html') text = renderHtml(report, diff);
      else text = renderMarkdown(report) + (diff === null ? '' : `\n${renderDiffMarkdown(diff)}`);
      if (opts.output === undefined) process.stdout.write(text);
      else writeAtomically(opts.output, text, 'coverage');
    });
}
