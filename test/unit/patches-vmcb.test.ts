// The VMCB edits the series renders into Xen's headers, on small made-up
// headers in Xen's layout. Expected values are APM vol. 2 (24593) Table B-1
// positions written out here: offset 010h bit 15 traps EFER writes, bits
// 16+n trap CRn writes; the VMSA pointer is the qword at offset 108h.
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { insertGeneral2Intercepts, renderControlWindow } from '../../lib/patches/xen-vmcb.ts';

const ENUM = [
  'enum GenericIntercept2bits',
  '{',
  '    GENERAL2_INTERCEPT_VMRUN   = 1 << 0,',
  '    GENERAL2_INTERCEPT_RDPRU   = 1 << 14,',
  '};',
  '',
].join('\n');

describe('insertGeneral2Intercepts', () => {
  const model = projectModel();

  it('adds only the used write-trap bits, at their APM positions, after the last entry', () => {
    const used = new Set(['GENERAL2_INTERCEPT_CR4_WRITE_TRAP', 'GENERAL2_INTERCEPT_EFER_WRITE_TRAP']);
    const out = insertGeneral2Intercepts(model, ENUM, used, 'vmcb.h');
    expect(out.split('\n').slice(3, 6)).toEqual([
      '    GENERAL2_INTERCEPT_RDPRU   = 1 << 14,',
      '    GENERAL2_INTERCEPT_EFER_WRITE_TRAP = 1 << 15,',
      '    GENERAL2_INTERCEPT_CR4_WRITE_TRAP = 1 << 20,',
    ]);
    expect(out).not.toMatch(/CR0_WRITE_TRAP/);
  });

  it('leaves the header alone when nothing new is used, and a second pass adds nothing', () => {
    expect(insertGeneral2Intercepts(model, ENUM, new Set(['GENERAL2_INTERCEPT_VMRUN']), 'vmcb.h')).toBe(ENUM);
    const used = new Set(['GENERAL2_INTERCEPT_CR0_WRITE_TRAP']);
    const once = insertGeneral2Intercepts(model, ENUM, used, 'vmcb.h');
    expect(once).toMatch(/^ {4}GENERAL2_INTERCEPT_CR0_WRITE_TRAP = 1 << 16,$/m);
    expect(insertGeneral2Intercepts(model, once, used, 'vmcb.h')).toBe(once);
  });

  it('refuses a header without the enum, and a used bit below the enum\'s last one', () => {
    expect(() => insertGeneral2Intercepts(model, 'struct x;\n', new Set(), 'vmcb.h')).toThrow(/vmcb\.h: no enum GenericIntercept2bits/);
    const used = new Set(['GENERAL2_INTERCEPT_XSETBV']); // bit 13, below RDPRU's 14
    expect(() => insertGeneral2Intercepts(model, ENUM, used, 'vmcb.h')).toThrow(/a used bit below 14 is missing/);
  });
});

describe('renderControlWindow over the padding from 0xE0', () => {
  const model = projectModel();

  it('names vmsa_pa at 0x108 and keeps the rest as padding, to 0x120 or to the save area', () => {
    const only = new Set(['vmsa_pa']);
    const short = renderControlWindow(model, { start: 0xe0, end: 0x120, namedEnd: 0x120, only, padNames: { 0xe0: 'res10a' } });
    expect(short.named).toEqual([{ name: 'vmsa_pa', offset: 0x108 }]);
    expect(short.lines).toEqual([
      '    uint64_t res10a[5];         /* offset 0xE0 */',
      '    uint64_t vmsa_pa;           /* offset 0x108 */',
      '    uint64_t res_110[2];        /* offset 0x110 */',
    ]);
    const long = renderControlWindow(model, { start: 0xe0, end: 0x400, namedEnd: 0x400, only, padNames: { 0xe0: 'res10a' }, padNote: 'pad to save area' });
    // 0x110 up to the save area at 0x400: 0x2F0 bytes, 94 qwords.
    expect(long.lines[2]).toBe('    uint64_t res_110[94];       /* offset 0x110 - pad to save area */');
  });
});
