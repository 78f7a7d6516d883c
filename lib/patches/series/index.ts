// The series, in commit order: hypervisor definitions first, each patch
// building on its own, then the VMGEXIT path, then the toolstack.
import type { PatchDef } from '../types.ts';
import { ghcbPatch } from './01-ghcb.ts';
import { vmcbVmsaPatch } from './02-vmcb-vmsa.ts';
import { sevApiPatch } from './03-sev-api.ts';
import { vmgexitPatch } from './04-vmgexit.ts';
import { domctlPatch } from './05-domctl.ts';
import { libxlPatch, xlPatch } from './06-libxl.ts';

export const SERIES: readonly PatchDef[] = [ghcbPatch, vmcbVmsaPatch, sevApiPatch, vmgexitPatch, domctlPatch, libxlPatch, xlPatch];
