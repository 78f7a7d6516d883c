// The coverage HTML page in a real browser: Debian's headless chromium driven
// by playwright-core (which never downloads a browser here). The page must
// render the table from its embedded data, filter and sort it, show the same
// counts as the JSON report, and load nothing from the network.
// Under CI=true a missing /usr/bin/chromium is a failure; elsewhere the suite
// skips with a message (scripts/install-deps installs chromium).
import { execa } from 'execa';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/paths.ts';
import type { CoverageReport } from '../../lib/coverage/types.ts';
import { testTempDir } from '../helpers/tmp.ts';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';

if (!haveChromium && !inCi) console.warn(`coverage-html: skipped: ${CHROMIUM} not installed (scripts/install-deps installs it)`);

describe.runIf(!haveChromium && inCi)('coverage HTML in CI', () => {
  it('needs chromium', () => {
    throw new Error(`${CHROMIUM} is missing: scripts/install-deps must install the chromium package in CI`);
  });
});

describe.skipIf(!haveChromium)('coverage HTML page in headless chromium', () => {
  const dir = testTempDir('browser');
  const htmlPath = join(dir, 'coverage.html');
  const jsonPath = join(dir, 'coverage.json');
  let report: CoverageReport;
  let context: BrowserContext;
  let page: Page;
  const external: string[] = [];
  const pageErrors: string[] = [];

  const rowCount = () => page.locator('#items tbody tr').count();
  const shown = async () => Number(await page.locator('#shown-count').textContent());

  beforeAll(async () => {
    const cli = join(REPO_ROOT, 'bin/xen-sev');
    for (const [format, out] of [['html', htmlPath], ['json', jsonPath]] as const) {
      const r = await execa('node', [cli, 'coverage', '--format', format, '-o', out], { reject: false });
      if (r.exitCode !== 0) throw new Error(`xen-sev coverage --format ${format} failed: ${r.stderr}`);
    }
    report = JSON.parse(readFileSync(jsonPath, 'utf8')) as CoverageReport;
    // A fresh profile per run; playwright takes it as launchPersistentContext's directory.
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      external.push(url);
      return route.abort();
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`file://${htmlPath}`);
    await page.locator('#items tbody tr').first().waitFor();
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    if (process.env.XEN_SEV_KEEP_BROWSER_DIR === undefined) rmSync(dir, { recursive: true, force: true });
    else console.log(`coverage-html: page, JSON and screenshot kept in ${dir}`);
  });

  it('renders every item in the table, with no script error and no network request', async () => {
    expect(pageErrors).toEqual([]);
    expect(external).toEqual([]);
    expect(await rowCount()).toBe(report.items.length);
    expect(await shown()).toBe(report.items.length);
    expect(Number(await page.locator('#total-count').textContent())).toBe(report.summary.total);
    await page.screenshot({ path: join(dir, 'coverage.png') });
  });

  it('the summary bars carry the JSON summary counts', async () => {
    for (const row of report.summary.bySpec) {
      const tr = page.locator(`#by-spec tr[data-spec="${row.key}"]`);
      expect(Number(await tr.getAttribute('data-total'))).toBe(row.total);
      expect(Number(await tr.getAttribute('data-tests'))).toBe(row.tests);
      expect(Number(await tr.getAttribute('data-generated'))).toBe(row.generated);
    }
    expect(await page.locator('#by-kind tr').count()).toBe(report.summary.byKind.length);
  });

  it('the text filter keeps the items whose name matches', async () => {
    await page.fill('#filter', 'INVALID_PLATFORM_STATE');
    const expected = report.items.filter((i) => i.name.includes('INVALID_PLATFORM_STATE')).length;
    expect(expected).toBe(2); // sev_status and snp_status
    expect(await rowCount()).toBe(expected);
    expect(await shown()).toBe(expected);
    await page.fill('#filter', '');
    expect(await rowCount()).toBe(report.items.length);
  });

  it('the kind and gap selectors filter as the JSON says', async () => {
    await page.selectOption('#kind', 'status_code');
    expect(await rowCount()).toBe(report.items.filter((i) => i.kind === 'status_code').length);
    await page.selectOption('#kind', '');
    await page.selectOption('#gap', 'untested');
    expect(await rowCount()).toBe(report.items.filter((i) => !i.tests).length);
    await page.selectOption('#gap', 'no-linux');
    expect(await rowCount()).toBe(report.items.filter((i) => i.linux === null).length);
    await page.selectOption('#gap', '');
  });

  it('clicking a column header sorts by it, clicking again reverses', async () => {
    const names = report.items.map((i) => i.name).sort();
    await page.click('#items th[data-key="name"]');
    expect(await page.locator('#items tbody tr td.name').first().textContent()).toBe(names[0]);
    await page.click('#items th[data-key="name"]');
    expect(await page.locator('#items tbody tr td.name').first().textContent()).toBe(names[names.length - 1]);
  });
});
