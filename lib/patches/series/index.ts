// The series, in commit order; every definition a patch adds is used by the
// code of the same patch.
import type { PatchDef } from '../types.ts';
import { bootDetectPatch } from './boot-detect.ts';
import { cocoLaunchPatch } from './coco-launch.ts';
import { cocoOptionPatch } from './coco-option.ts';
import { ghcbPagePatch } from './ghcb-page.ts';
import { msrProtocolPatch } from './msr-protocol.ts';
import { naeEventsPatch } from './nae-events.ts';
import { pspDriverPatch } from './psp-driver.ts';
import { sevLaunchPatch } from './sev-launch.ts';
import { vcpuSetupPatch } from './vcpu-setup.ts';

export const SERIES: readonly PatchDef[] = [
  msrProtocolPatch,
  ghcbPagePatch,
  bootDetectPatch,
  pspDriverPatch,
  naeEventsPatch,
  vcpuSetupPatch,
  cocoOptionPatch,
  sevLaunchPatch,
  cocoLaunchPatch,
];
