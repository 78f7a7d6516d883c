// The #VMEXIT entry point of the model: automatic exits are handled from the
// VMCB exit code alone, without touching the GHCB; only VMGEXIT reads the page.
import type { Backend } from './backend.ts';
import { handleVmgexit, type GuestInfo, type Outcome } from './hypervisor.ts';
import { naeTables, type EAeEvent } from './table.ts';

export type ExitOutcome =
  | { kind: 'ae'; event: EAeEvent }
  | { kind: 'vmgexit'; outcome: Outcome }
  /** An intercept an SEV-ES guest turns into #VC: it cannot reach the hypervisor as a #VMEXIT. */
  | { kind: 'unexpected'; exitCode: bigint; why: string };

export function handleExit(exitCode: bigint, ghcb: { page: Uint8Array; gpa: bigint } | null, guest: GuestInfo, backend: Backend): ExitOutcome {
  const t = naeTables();
  if (exitCode === t.ae.find((a) => a.name === 'VMGEXIT')!.exitCode) {
    if (!ghcb) return { kind: 'unexpected', exitCode, why: 'VMGEXIT without a GHCB page (the MSR protocol is handled by handleGhcbMsr)' };
    return { kind: 'vmgexit', outcome: handleVmgexit(ghcb.page, ghcb.gpa, guest, backend) };
  }
  const ae = t.ae.find((a) => a.exitCode === exitCode);
  if (ae) return { kind: 'ae', event: ae };
  const known = t.all.find((c) => c.exitCode === exitCode);
  return { kind: 'unexpected', exitCode, why: known ? `${known.name}: ${known.kind === 'nae' ? 'a non-automatic event raises #VC in the guest instead of exiting' : known.why}` : 'unknown exit code' };
}
