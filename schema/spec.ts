// The AMD documents cited by the schema, at the revision the facts were checked against.
import type { SpecRef } from './model.ts';

export const DOCS = {
  ghcb: { doc: '56421', rev: '2.03', title: 'SEV-ES Guest-Hypervisor Communication Block Standardization' },
  apm2: { doc: '24593', rev: '3.42', title: 'AMD64 Architecture Programmer\'s Manual Volume 2: System Programming' },
  sevApi: { doc: '55766', rev: '3.24', title: 'Secure Encrypted Virtualization API' },
  snpAbi: { doc: '56860', rev: '1.55', title: 'SEV Secure Nested Paging Firmware ABI Specification' },
} as const;

type DocKey = keyof typeof DOCS;

/** A citation of a section or table of one of DOCS. */
export function cite(doc: DocKey, section: string): SpecRef {
  return { doc: DOCS[doc].doc, rev: DOCS[doc].rev, section };
}

/** A citation whose section could not be verified: the document plus the independent source of the fact. */
export function citeVia(doc: DocKey, source: string, section?: string): SpecRef {
  return section === undefined
    ? { doc: DOCS[doc].doc, rev: DOCS[doc].rev, source }
    : { doc: DOCS[doc].doc, rev: DOCS[doc].rev, section, source };
}
