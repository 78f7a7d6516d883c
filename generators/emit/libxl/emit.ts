// generated/libxl/: the coco surface as fragments of a Xen tree (IDL types,
// LIBXL_HAVE block, libxl_x86.c validation/defaults, xl_parse.c parsing,
// xl.cfg(5) POD). Each fragment goes in one place of one file: its header says
// where, and fragments.json says it for tools (the patch series, the real-tree
// test), which insert the body (the lines after the header).
import type { EModel } from '../../elaborate/model.ts';
import { bannerLines, type OutputFile } from '../common.ts';
import { resolveCocoRules, type CocoRules } from '../../../lib/xlcfg/ruleset.ts';
import { libxlX86 } from './libxl-c.ts';
import { xlParse, xlParseCall } from './xl-c.ts';
import { idlMember, idlTypes, libxlHave, podSection } from './text.ts';

export interface Fragment {
  /** Output path under generated/libxl/. */
  name: string;
  /** The Xen file it goes into, relative to the tree root. */
  target: string;
  where: 'before' | 'after';
  /** A line of the target file, unique in it, that places the fragment. */
  anchor: string;
  syntax: 'c' | 'idl' | 'pod';
  body: string[];
}

const GENERATOR = 'generators/emit/libxl';
const FROM = 'schema/coco-config.ts and the policy layouts';

export function cocoFragments(rules: CocoRules): Fragment[] {
  const LIGHT = 'tools/libs/light';
  return [
    {
      name: 'libxl_types.idl',
      target: `${LIGHT}/libxl_types.idl`,
      where: 'before',
      anchor: 'libxl_domain_build_info = Struct("domain_build_info",[',
      syntax: 'idl',
      body: idlTypes(rules),
    },
    {
      name: 'libxl_types.arch_x86.idl',
      target: `${LIGHT}/libxl_types.idl`,
      where: 'after',
      anchor: '    ("arch_x86", Struct(None, [("msr_relaxed", libxl_defbool),',
      syntax: 'idl',
      body: idlMember(rules),
    },
    {
      name: 'libxl.h',
      target: 'tools/include/libxl.h',
      where: 'after',
      anchor: '#define LIBXL_HAVE_X86_MSR_RELAXED 1',
      syntax: 'c',
      body: libxlHave(rules),
    },
    {
      name: 'libxl_x86.c',
      target: `${LIGHT}/libxl_x86.c`,
      where: 'before',
      anchor: 'int libxl__arch_domain_build_info_setdefault(libxl__gc *gc,',
      syntax: 'c',
      body: [...libxlX86(rules), ''],
    },
    {
      name: 'libxl_x86.setdefault.c',
      target: `${LIGHT}/libxl_x86.c`,
      where: 'after',
      anchor: '    libxl_defbool_setdefault(&b_info->arch_x86.msr_relaxed, false);',
      syntax: 'c',
      body: ['', '    if (libxl__coco_setdefault(gc, b_info))', '        return ERROR_INVAL;'],
    },
    {
      name: 'xl_parse.c',
      target: 'tools/xl/xl_parse.c',
      where: 'before',
      anchor: 'void parse_config_data(const char *config_source,',
      syntax: 'c',
      body: [...xlParse(rules), ''],
    },
    {
      name: 'xl_parse.call.c',
      target: 'tools/xl/xl_parse.c',
      where: 'before',
      anchor: '    if (!xlu_cfg_get_defbool(config, "msr_relaxed",',
      syntax: 'c',
      body: xlParseCall(),
    },
    {
      name: 'xl.cfg.5.pod',
      target: 'docs/man/xl.cfg.5.pod.in',
      where: 'before',
      anchor: '=head1 SEE ALSO',
      syntax: 'pod',
      body: podSection(rules),
    },
  ];
}

function header(f: Fragment): string[] {
  const place = `Goes into ${f.target}, ${f.where} the line: ${f.anchor.trim()}`;
  const text = [...bannerLines(GENERATOR, FROM), place];
  switch (f.syntax) {
    case 'c':
      return ['/* SPDX-License-Identifier: LGPL-2.1-only */', '/*', ...text.map((l) => ` * ${l}`), ' */', ''];
    case 'idl':
      return ['# SPDX-License-Identifier: LGPL-2.1-only', ...text.map((l) => `# ${l}`), ''];
    case 'pod':
      return ['=begin comment', '', 'SPDX-License-Identifier: LGPL-2.1-only', ...text, '', '=end comment', ''];
  }
}

export function emitLibxl(model: EModel): OutputFile[] {
  const rules = resolveCocoRules(model);
  const frags = cocoFragments(rules);
  const files: OutputFile[] = [];
  const manifest = [];
  for (const f of frags) {
    const head = header(f);
    files.push({ path: `generated/libxl/${f.name}`, contents: `${[...head, ...f.body].join('\n')}\n` });
    manifest.push({ fragment: f.name, target: f.target, where: f.where, anchor: f.anchor, headerLines: head.length });
  }
  files.push({
    path: 'generated/libxl/fragments.json',
    contents: `${JSON.stringify({ generator: GENERATOR, regenerate: 'npm run generate', fragments: manifest }, null, 1)}\n`,
  });
  return files;
}
