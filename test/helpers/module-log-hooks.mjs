// Module hooks for test/helpers/modules.ts: appends the URL of every module
// the process loads (ES modules and CommonJS entered through import) to the
// file named by XEN_SEV_MODULE_LOG.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (process.env.XEN_SEV_MODULE_LOG) appendFileSync(process.env.XEN_SEV_MODULE_LOG, `${r.url}\n`);
  return r;
}
