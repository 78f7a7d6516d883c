// The tools/xl/xl_parse.c part: read every coco option with the xlu_cfg_*
// helpers. Syntax is checked here (xl's ERROR lines, exit 1); the rules that
// relate options are libxl's (libxl-c.ts), so every toolstack gets them.
import type { CocoRules } from '../../../lib/xlcfg/ruleset.ts';
import { kindList } from '../../../lib/xlcfg/ruleset.ts';
import { cCall, cFormat, cStringEscape } from './cmessage.ts';
import { kindConst } from './libxl-c.ts';

export function xlParse(rules: CocoRules): string[] {
  const idl = rules.config.idl;
  const fmt = (id: Parameters<typeof cFormat>[0], consts: Record<string, string>, args: Parameters<typeof cFormat>[2]) =>
    cFormat(rules.messages[id as keyof typeof rules.messages], consts, args);
  const err = (f: ReturnType<typeof cFormat>, indent: string) => {
    const withPrefix = { format: f.format.replace(/^"/, '"ERROR: ').replace(/"$/, '\\n"'), args: f.args };
    return [...cCall('fprintf(stderr, ', withPrefix, indent), `${indent}exit(1);`];
  };
  const out: string[] = [
    '/*',
    ' * A coco option given as a list is an error, not a silent default (the',
    ' * xlu_cfg_get_* helpers only warn).',
    ' */',
    'static void coco_single_value(XLU_Config *config, const char *name)',
    '{',
    '    XLU_ConfigList *list;',
    '',
    '    if (!xlu_cfg_get_list(config, name, &list, NULL, 1)) {',
    ...err(fmt('parse_single', {}, { option: { conv: '%s', expr: 'name' } }), '        '),
    '    }',
    '}',
    '',
    '/* A number option: strtol base 0 as xlu_cfg_get_long, with xl\'s message. */',
    'static int coco_get_long(XLU_Config *config, const char *name, long *value_r)',
    '{',
    '    const char *buf;',
    '',
    '    coco_single_value(config, name);',
    '    if (xlu_cfg_get_string(config, name, &buf, 0))',
    '        return ESRCH;',
    '    if (xlu_cfg_get_long(config, name, value_r, 1)) {',
    ...err(fmt('parse_number', {}, { value: { conv: '%s', expr: 'buf' }, option: { conv: '%s', expr: 'name' } }), '        '),
    '    }',
    '    return 0;',
    '}',
    '',
    `static void parse_coco(XLU_Config *config, libxl_domain_build_info *b_info)`,
    '{',
    `    libxl_${idl.settingsStruct} *coco = &b_info->arch_x86.${idl.buildInfoField};`,
    '    const char *buf;',
    '    long l;',
    '',
    '    coco_single_value(config, "coco");',
    '    if (!xlu_cfg_get_string(config, "coco", &buf, 0)) {',
  ];
  rules.kinds.forEach((k, i) => {
    out.push(`        ${i === 0 ? '' : '} else '}if (!strcmp(buf, "${k.name}")) {`, `            coco->type = ${kindConst(rules, k)};`);
  });
  out.push('        } else {');
  out.push(...err(fmt('parse_kind', { kinds: kindList(rules.kinds.map((k) => k.name)) }, { value: { conv: '%s', expr: 'buf' } }), '            '));
  out.push('        }', '    }');

  for (const o of rules.options) {
    const f = `coco->${o.field}`;
    const key = `"${cStringEscape(o.key)}"`;
    out.push('');
    if (o.type === 'base64') {
      out.push(`    coco_single_value(config, ${key});`, `    xlu_cfg_replace_string(config, ${key}, &${f}, 0);`);
    } else if (o.type === 'boolean') {
      out.push(`    if (!coco_get_long(config, ${key}, &l))`, `        libxl_defbool_set(&${f}, l != 0);`);
    } else if (o.type === 'policy') {
      out.push(`    if (!coco_get_long(config, ${key}, &l)) {`, '        if (l < 0) {');
      out.push(...err(fmt('parse_negative', { option: o.key }, { value: { conv: '%ld', expr: 'l' } }), '            '));
      out.push('        }', `        ${f} = l;`, '    }');
    } else {
      out.push(`    if (!coco_get_long(config, ${key}, &l)) {`, `        if (l < ${o.min} || l > ${o.max}) {`);
      out.push(...err(fmt('parse_range', { option: o.key, min: String(o.min), max: String(o.max) }, { value: { conv: '%ld', expr: 'l' } }), '            '));
      out.push('        }', `        ${f} = l;`, '    }');
    }
  }
  out.push('}');
  return out;
}

/** The call, placed in parse_config_data() beside the other arch_x86 options. */
export function xlParseCall(): string[] {
  return ['    parse_coco(config, b_info);', ''];
}
