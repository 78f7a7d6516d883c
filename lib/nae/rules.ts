// The per-event value checks named by the NAE table (schema/nae.ts `rules`).
// Each reports GHCB_ERR_INVALID_INPUT; the C emitter implements the same list.
import type { RuleId } from '../../schema/nae-model.ts';
import { malformed, type GuestInfo, type Request } from './hypervisor.ts';
import type { ENaeEvent, FieldRef } from './table.ts';

export const RULE_TEXT: Record<RuleId, string> = {
  mmio_length: 'sw_exit_info_2 (length) is 1..8 bytes',
  ioio_operand_size: 'exactly one of the SZ8/SZ16/SZ32 bits of sw_exit_info_1 is set',
  msr_direction: 'sw_exit_info_1 is 0 (RDMSR) or 1 (WRMSR)',
  ap_jump_table_op: 'sw_exit_info_1 is 0 (set) or 1 (get)',
  ap_creation_op:
    'sw_exit_info_1[31:0] is CREATE_ON_INIT, CREATE or DESTROY; for the create requests rax equals the SEV features of the guest, and sw_exit_info_2 (VMSA) is page aligned but not 2 MiB aligned',
  guest_request_pages: 'sw_exit_info_1 and sw_exit_info_2 (request and response pages) are page aligned and different',
};

function bad(rule: RuleId, ev: ENaeEvent, f: FieldRef, what: string): never {
  throw malformed('INVALID_INPUT', f, `${ev.name}: ${what} (required: ${RULE_TEXT[rule]})`);
}

export function checkRule(rule: RuleId, req: Request, ev: ENaeEvent, guest: GuestInfo): void {
  const f1 = req.field('sw_exit_info_1');
  const f2 = req.field('sw_exit_info_2');
  const i1 = req.get(f1);
  const i2 = req.get(f2);
  switch (rule) {
    case 'mmio_length':
      if (i2 < 1n || i2 > BigInt(req.t.policy.mmioMaxLength)) bad(rule, ev, f2, `length ${i2}`);
      return;
    case 'ioio_operand_size': {
      const sz = i1 & 0x70n;
      if (sz !== 0x10n && sz !== 0x20n && sz !== 0x40n) bad(rule, ev, f1, `operand size bits 0x${sz.toString(16)}`);
      return;
    }
    case 'msr_direction':
    case 'ap_jump_table_op':
      if (i1 > 1n) bad(rule, ev, f1, `sw_exit_info_1 = 0x${i1.toString(16)}`);
      return;
    case 'ap_creation_op': {
      const op = i1 & 0xffff_ffffn;
      if (op > 2n) bad(rule, ev, f1, `request ${op}`);
      if (op === 2n) return;
      // KVM sev_snp_ap_creation(): RAX must be the guest's VMSA features, and a
      // 2 MiB aligned VMSA is refused (SNP erratum: an RMP #PF on a large page).
      const rax = req.field('rax');
      if (guest.sevFeatures !== undefined && req.get(rax) !== guest.sevFeatures) {
        bad(rule, ev, rax, `rax 0x${req.get(rax).toString(16)} is not the guest's SEV features 0x${guest.sevFeatures.toString(16)}`);
      }
      if ((i2 & 0xfffn) !== 0n) bad(rule, ev, f2, `VMSA 0x${i2.toString(16)} is not page aligned`);
      if ((i2 & 0x1f_ffffn) === 0n) bad(rule, ev, f2, `VMSA 0x${i2.toString(16)} is 2 MiB aligned`);
      return;
    }
    case 'guest_request_pages':
      if ((i1 & 0xfffn) !== 0n) bad(rule, ev, f1, `request page 0x${i1.toString(16)} is not page aligned`);
      if ((i2 & 0xfffn) !== 0n) bad(rule, ev, f2, `response page 0x${i2.toString(16)} is not page aligned`);
      if (i1 === i2) bad(rule, ev, f2, 'request and response pages are the same');
      return;
  }
}
