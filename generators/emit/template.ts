// The emitters' Handlebars templates, by path under generators/emit/, with the
// options each is compiled with. Here they are compiled from the .hbs files on
// first use; the compiled CLI (scripts/build-cli.mjs) replaces this module by
// the same templates precompiled at build time, so `generate` loads neither
// the Handlebars compiler nor compiles a template on every run.
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';

export const TEMPLATES = {
  'c-headers/header.h.hbs': { noEscape: true, strict: true },
  'c-codec/codec.h.hbs': { noEscape: true, strict: true },
  'c-probe/probe.c.hbs': { noEscape: true, strict: true },
  'c-vmgexit/vmgexit.h.hbs': { noEscape: true },
  'c-vmgexit/vmgexit.c.hbs': { noEscape: true },
  'libxl/libxl_x86.c.hbs': { noEscape: true, strict: true },
} as const satisfies Record<string, CompileOptions>;

export type TemplateName = keyof typeof TEMPLATES;

/** The template `name` (a path under generators/emit/), compiled when first called. */
export function template(name: TemplateName): HandlebarsTemplateDelegate {
  return Handlebars.compile(readFileSync(new URL(`./${name}`, import.meta.url), 'utf8'), TEMPLATES[name]);
}
