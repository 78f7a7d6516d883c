// generated/docs/coverage.md: the coverage summary and notable gaps, for the
// README and cover letters. A pure function of the model and the committed
// repository (the tests that exist): no dates, no Xen tree, no host paths.
import type { EModel } from '../../elaborate/model.ts';
import { coverageInputs } from '../../../lib/coverage/inputs.ts';
import { renderMarkdown } from '../../../lib/coverage/markdown.ts';
import { buildReport } from '../../../lib/coverage/report.ts';
import { bannerLines, type OutputFile } from '../common.ts';

export function emitCoverageDoc(model: EModel): OutputFile[] {
  const report = buildReport(coverageInputs(model, null));
  const banner = [
    '<!--',
    ...bannerLines('generators/emit/docs', 'the schema, the generated files and the tests in the repository'),
    'The same report with a Xen column: `xen-sev coverage --xen DIR` (see docs/coverage.md).',
    '-->',
  ];
  return [{ path: 'generated/docs/coverage.md', contents: renderMarkdown(report, banner) }];
}
