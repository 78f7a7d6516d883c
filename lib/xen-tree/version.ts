// The version a Xen tree says it is, read from xen/Makefile (the one place
// Xen's build takes it from).
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { readBoundedSync } from '../io.ts';

export interface XenVersion {
  major: number;
  minor: number;
  /** "-unstable" on staging, ".5" on a 4.17.5 release tree (vendor suffix excluded). */
  extra: string;
}

export function formatXenVersion(v: XenVersion): string {
  return `${v.major}.${v.minor}${v.extra}`;
}

export function readXenVersion(root: string): XenVersion {
  const file = join(root, 'xen', 'Makefile');
  const text = readBoundedSync(file, 1024 * 1024, (why) => new UserError(`${file}: cannot read: ${why}`)).toString('utf8');
  const get = (name: string): string => {
    const m = new RegExp(`^export ${name}\\s*\\??=[ \\t]*(.*)$`, 'm').exec(text);
    if (!m) throw new UserError(`${file}: no ${name} assignment, so the Xen version is unknown`);
    return m[1]!.trim();
  };
  const major = Number(get('XEN_VERSION'));
  const minor = Number(get('XEN_SUBVERSION'));
  if (!Number.isInteger(major) || !Number.isInteger(minor)) {
    throw new UserError(`${file}: XEN_VERSION/XEN_SUBVERSION are not numbers`);
  }
  const extra = get('XEN_EXTRAVERSION').replace(/\$\(XEN_VENDORVERSION\)$/, '');
  return { major, minor, extra };
}
