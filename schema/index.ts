// Every schema module, in the order their headers depend on each other.
import type { ModuleInput } from './model.ts';
import { ghcbModule } from './ghcb.ts';
import { ghcbMsrModule } from './ghcb-msr.ts';
import { vmcbModule } from './vmcb.ts';
import { vmsaModule } from './vmsa.ts';
import { sevApiModule } from './sev-api.ts';
import { snpAbiModule } from './snp-abi.ts';
import { cpuModule } from './cpu.ts';

export const schemaModules: readonly ModuleInput[] = [
  vmcbModule,
  vmsaModule,
  ghcbModule,
  ghcbMsrModule,
  sevApiModule,
  snpAbiModule,
  cpuModule,
];
