// The hypervisor side of the GHCB MSR protocol (AMD 56421 2.3.1): the guest
// writes a request into the GHCB MSR and issues VMGEXIT without a GHCB page;
// the hypervisor answers in the same MSR. Messages are read and built with
// the generated MSR codec, never with hand-written shifts.
import { decodeGhcbMsr, encodeGhcbMsr } from '../../generated/ts/ghcb-msr-codec.ts';
import type { Backend } from './backend.ts';
import { naeTables } from './table.ts';

export interface MsrGuestState {
  snp: boolean;
  /** SEV-SNP: the GHCB GPA registered through REG_GPA_REQ. */
  registeredGpa?: bigint;
}

export type MsrOutcome =
  | { kind: 'response'; value: bigint; message: string }
  | { kind: 'terminate'; reasonSet: bigint; reasonCode: bigint }
  /** A GHCB GPA (GHCBInfo 0): handled as a full VMGEXIT through the page. */
  | { kind: 'ghcb'; gpa: bigint }
  /** Not a request this hypervisor answers: the guest is terminated (KVM does the same). */
  | { kind: 'unknown'; code: number; why: string };

/** Encryption bit position and protocol range offered (SEV information). */
export const MSR_HV = { cbitPos: 51n } as const;

export function handleGhcbMsr(value: bigint, guest: MsrGuestState, backend: Backend): MsrOutcome {
  const t = naeTables();
  const d = decodeGhcbMsr(value);
  const f = d.fields;
  const resp = (layout: string, fields: Record<string, bigint>): MsrOutcome => ({ kind: 'response', value: encodeGhcbMsr(layout, fields), message: layout });
  switch (d.message?.layout) {
    case 'ghcb_msr_ghcb_gpa':
      return { kind: 'ghcb', gpa: value };
    case 'ghcb_msr_sev_info_req':
      return resp('ghcb_msr_sev_info_resp', { cbit_pos: MSR_HV.cbitPos, min_proto: BigInt(guest.snp ? t.policy.snpMinVersion : t.policy.minVersion), max_proto: BigInt(t.policy.maxVersion) });
    case 'ghcb_msr_cpuid_req': {
      // The MSR protocol carries no subleaf or XCR0: subleaf 0, XCR0 = x87 only.
      const r = backend.cpuid(Number(f.function!), 0, 1n, 0n);
      const reg = Number(f.reg!);
      return resp('ghcb_msr_cpuid_resp', { reg: f.reg!, value: BigInt(r[reg]! >>> 0) });
    }
    case 'ghcb_msr_ap_reset_hold_req':
      return resp('ghcb_msr_ap_reset_hold_resp', { result: backend.apHltLoop() });
    case 'ghcb_msr_pref_gpa_req':
      if (!guest.snp) return { kind: 'unknown', code: d.code, why: 'preferred GHCB GPA is an SEV-SNP request' };
      return resp('ghcb_msr_pref_gpa_resp', { gfn: 0xf_ffff_ffff_ffffn }); // no preference
    case 'ghcb_msr_reg_gpa_req':
      if (!guest.snp) return { kind: 'unknown', code: d.code, why: 'GHCB GPA registration is an SEV-SNP request' };
      guest.registeredGpa = f.gfn! << 12n;
      return resp('ghcb_msr_reg_gpa_resp', { gfn: f.gfn! });
    case 'ghcb_msr_psc_req': {
      if (!guest.snp) return { kind: 'unknown', code: d.code, why: 'page state change is an SEV-SNP request' };
      const op = Number(f.operation!);
      const ok = (op === 1 || op === 2) && backend.pageState(f.gfn!, op, false);
      return resp('ghcb_msr_psc_resp', { error_code: ok ? 0n : 1n });
    }
    case 'ghcb_msr_hv_ft_req':
      return resp('ghcb_msr_hv_ft_resp', { features: backend.features });
    case 'ghcb_msr_term_req':
      return { kind: 'terminate', reasonSet: f.reason_set!, reasonCode: f.reason_code! };
    default:
      return { kind: 'unknown', code: d.code, why: d.message ? `${d.message.layout} is not a guest request` : 'no such GHCB MSR request' };
  }
}
