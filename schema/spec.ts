// The AMD documents cited by the schema, at the revision the facts were checked against.
import type { SpecRef } from './model.ts';

export const DOCS = {
  ghcb: { doc: '56421', rev: '2.03', title: 'SEV-ES Guest-Hypervisor Communication Block Standardization' },
  apm2: { doc: '24593', rev: '3.42', title: 'AMD64 Architecture Programmer\'s Manual Volume 2: System Programming' },
  sevApi: { doc: '55766', rev: '3.24', title: 'Secure Encrypted Virtualization API' },
  snpAbi: { doc: '56860', rev: '1.55', title: 'SEV Secure Nested Paging Firmware ABI Specification' },
  svsm: { doc: '58019', rev: '1.00', title: 'Secure VM Service Module for SEV-SNP Guests' },
} as const;

/**
 * Newer revisions a few facts come from. DOCS[doc].rev stays the revision the
 * bulk of the schema was checked against; a fact that only a newer revision
 * defines cites that revision instead (citeViaRev), so the citation says where
 * to look and the coverage report can list both.
 */
export const NEWER_REVS = {
  snpAbi: ['1.58'],
} as const satisfies Partial<Record<keyof typeof DOCS, readonly string[]>>;

type DocKey = keyof typeof DOCS;

/** A citation of a section or table of one of DOCS. */
export function cite(doc: DocKey, section: string): SpecRef {
  return { doc: DOCS[doc].doc, rev: DOCS[doc].rev, section };
}

/** Like citeVia, for a fact that only a newer revision of the document defines (one of NEWER_REVS). */
export function citeViaRev<D extends keyof typeof NEWER_REVS>(doc: D, rev: (typeof NEWER_REVS)[D][number], source: string, section?: string): SpecRef {
  return { ...citeVia(doc, source, section), rev };
}

/** A citation whose section could not be verified: the document plus the independent source of the fact. */
export function citeVia(doc: DocKey, source: string, section?: string): SpecRef {
  return section === undefined
    ? { doc: DOCS[doc].doc, rev: DOCS[doc].rev, source }
    : { doc: DOCS[doc].doc, rev: DOCS[doc].rev, section, source };
}
