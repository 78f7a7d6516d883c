// The non-C parts of the libxl fragments: IDL types, the LIBXL_HAVE block and
// the xl.cfg(5) POD section.
import type { CocoRules, ResolvedOption } from '../../../lib/xlcfg/ruleset.ts';
import { kindList, libxlKindConst } from '../../../lib/xlcfg/ruleset.ts';
import { hex } from '../common.ts';

const IDL_TYPE: Record<ResolvedOption['type'], string> = {
  policy: '',
  integer: 'integer',
  boolean: 'libxl_defbool',
  base64: 'string',
};

export function idlTypes(rules: CocoRules): string[] {
  const idl = rules.config.idl;
  const col = (name: string) => `("${name}",`.padEnd(33);
  // 64-bit: both JSON back ends must keep every bit (yajl, and json-c in
  // Xen 4.20 and later; older idl.py ignores the json-c keyword).
  const policyType = `UInt(64, init_val = "${idl.policyDefault}", json_gen_fn = "libxl__uint64_gen_json", jsonc_json_gen_fn = "libxl__uint64_gen_jso")`;
  return [
    `libxl_${idl.kindEnum} = Enumeration("${idl.kindEnum}", [`,
    ...rules.kinds.map((k) => `    (${k.value}, "${k.idl}"),`),
    `    ], init_val = "${libxlKindConst(rules.config, rules.kinds[0]!.idl)}")`,
    '',
    '# Confidential computing (AMD SEV, SEV-ES, SEV-SNP), see xl.cfg(5).',
    '# Not given: policy LIBXL_COCO_POLICY_DEFAULT (the kind\'s default), blobs NULL.',
    '# Blobs are base64, checked by libxl against the firmware sizes.',
    `libxl_${idl.settingsStruct} = Struct("${idl.settingsStruct}", [`,
    `    ${col('type')} libxl_${idl.kindEnum}),`,
    ...rules.options.map((o) => `    ${col(o.field)} ${o.type === 'policy' ? policyType : IDL_TYPE[o.type]}),`),
    '    ])',
    '',
  ];
}

export function idlMember(rules: CocoRules): string[] {
  return [`                               ("${rules.config.idl.buildInfoField}", libxl_${rules.config.idl.settingsStruct}),`];
}

export function libxlHave(rules: CocoRules): string[] {
  const idl = rules.config.idl;
  return [
    '',
    '/*',
    ` * ${idl.have} indicates that libxl_domain_build_info has an`,
    ` * arch_x86.${idl.buildInfoField} field (libxl_${idl.settingsStruct}) to launch an encrypted guest:`,
    ` * its type (libxl_${idl.kindEnum}: ${rules.kinds.map((k) => k.idl).join(', ')}) and the settings of`,
    ' * that kind (policy, C-bit position, launch blobs). libxl rejects settings',
    ' * that do not fit the kind, and fills in the defaults.',
    ' */',
    `#define ${idl.have} 1`,
    '',
    '/* libxl_coco_info.policy when not given: the kind\'s default policy. */',
    `#define ${idl.policyDefault} (~0ULL)`,
  ];
}

function optionPod(rules: CocoRules, o: ResolvedOption): string[] {
  const kinds = `For ${kindList(o.kinds)} guests.`;
  let head: string;
  let detail: string;
  switch (o.type) {
    case 'policy': {
      head = 'NUMBER';
      const defaults = rules.kinds
        .filter((k) => k.policy !== null)
        .map((k) => `B<${hex(k.policy!.defaultValue)}> for B<${k.name}>`)
        .join(', ');
      const bitRules = rules.kinds
        .filter((k) => k.policy !== null)
        .flatMap((k) => [
          ...k.policy!.required.map((b) => `B<${k.name}> needs the ${b.name.toUpperCase()} bit (bit ${b.lsb}) set.`),
          ...k.policy!.forbidden.map((b) => `B<${k.name}> must not set the ${b.name.toUpperCase()} bit (bit ${b.lsb}).`),
          ...(k.policy!.mustBeOneMask !== 0n ? [`B<${k.name}> must set the bits ${hex(k.policy!.mustBeOneMask)} the ${k.policy!.name} reserves as one.`] : []),
        ]);
      detail = `Default: ${defaults}. Bits the policy reserves must be zero. ${bitRules.join(' ')} The version fields may be 0, meaning any firmware.`;
      break;
    }
    case 'integer':
      head = 'NUMBER';
      detail = `Between ${o.min} and ${o.max} (${o.rangeWhy}).`;
      break;
    case 'boolean':
      head = 'BOOLEAN';
      detail = `Default: ${o.default ? '1' : '0'}.`;
      break;
    case 'base64':
      head = '"BASE64"';
      detail = `Must decode to exactly ${o.size} bytes (${o.what}).`;
      break;
  }
  const requires = o.requires.map((r) => `Needs B<${r.key}> too: ${r.why}.`);
  return [`=item B<${o.key}=${head}>`, '', [o.description, detail, ...requires, kinds].join(' '), ''];
}

/** Wraps a paragraph at 72 columns, as the hand-written parts of xl.cfg(5) are. */
export function wrap(text: string, width = 72): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) out.push(line);
  return out;
}

export function podSection(rules: CocoRules): string[] {
  return podLines(rules).flatMap((l) => (l === '' || l.startsWith('=') ? [l] : wrap(l)));
}

function podLines(rules: CocoRules): string[] {
  const bios = rules.config.bios;
  const types = rules.config.domainTypes;
  return [
    '=head4 Confidential computing (AMD SEV, SEV-ES and SEV-SNP)',
    '',
    [
      'An encrypted guest keeps its memory (and, with SEV-ES and SEV-SNP, its',
      'register state) out of reach of the hypervisor, dom0 and the device model.',
      `It must be an HVM guest (B<type="${types.required.value}">) booted by OVMF (B<bios="${bios.required.value}">).`,
      'Every B<coco_*> option needs B<coco>, and options of another kind are errors.',
      'Host-wide memory encryption (TSME) needs no option here.',
    ].join(' '),
    '',
    '=over 4',
    '',
    '=item B<coco="KIND">',
    '',
    `The kind of encrypted guest: ${kindList(rules.kinds.map((k) => k.name))}. Default: B<none>.`,
    '',
    '=over 4',
    '',
    ...rules.kinds.flatMap((k) => [`=item B<${k.name}>`, '', k.protects, '']),
    '=back',
    '',
    ...types.rejected.flatMap((t) => [`B<type="${t.value}"> is rejected: ${t.why}.`, '']),
    ...bios.rejected.flatMap((b) => [`B<bios="${b.value}"> is rejected: ${b.why}.`, '']),
    ...rules.options.flatMap((o) => optionPod(rules, o)),
    '=back',
    '',
  ];
}
