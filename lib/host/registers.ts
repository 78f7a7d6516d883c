// Raw register values: CPUID Fn8000_001F and the memory-encryption MSRs, from
// the command line or from Linux's /dev/cpu/0/{cpuid,msr} (the cpuid and msr
// drivers: the file offset is the leaf or the MSR index). Which leaf and
// which MSRs to read comes from the model, never from constants here.
import { closeSync, openSync, readSync } from 'node:fs';
import { errnoWords } from '../io.ts';
import type { EModel } from '../../generators/elaborate/model.ts';

export interface CpuidRegs {
  eax: number;
  ebx: number;
  ecx: number;
  edx: number;
}

/** A value, or why it could not be had. */
export type Reading<T> = { ok: true; value: T; from: string } | { ok: false; why: string };

export interface HostRegisters {
  /** CPUID Fn0000_0000 vendor string, when read from the device. */
  vendor: Reading<string> | null;
  memEncrypt: Reading<CpuidRegs>;
  syscfg: Reading<bigint>;
  sevStatus: Reading<bigint>;
}

export const CPUID_DEV = '/dev/cpu/0/cpuid';
export const MSR_DEV = '/dev/cpu/0/msr';

/** The leaf and MSR indices the host report needs, read from the model (group sev_cpuid_leaf, layouts msr_syscfg / msr_sev_status). */
export function registerIds(model: EModel): { leaf: number; syscfg: number; sevStatus: number } {
  const leaf = model.groups.get('sev_cpuid_leaf')?.values.find((v) => v.name === 'MEM_ENCRYPT')?.value;
  const msr = (name: string) => {
    const loc = model.layouts.get(name)?.location;
    if (loc?.kind !== 'msr') throw new Error(`host: layout ${name} has no MSR location in the model`);
    return loc.index;
  };
  if (leaf === undefined) throw new Error('host: the model has no sev_cpuid_leaf.MEM_ENCRYPT');
  return { leaf: Number(leaf), syscfg: msr('msr_syscfg'), sevStatus: msr('msr_sev_status') };
}

function errText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return 'not present (load the cpuid/msr kernel module, or run on the host rather than in a container)';
  if (err.code === 'EACCES' || err.code === 'EPERM') return 'permission denied (needs root)';
  if (err.code === 'EIO') return 'the CPU refused the read (the register does not exist here)';
  return errnoWords(err);
}

function pread(dev: string, size: number, offset: number): Buffer {
  const fd = openSync(dev, 'r');
  try {
    const buf = Buffer.alloc(size);
    const n = readSync(fd, buf, 0, size, offset);
    if (n !== size) throw Object.assign(new Error(`short read (${n} of ${size} bytes)`), { code: 'EIO' });
    return buf;
  } finally {
    closeSync(fd);
  }
}

export function readCpuid(leaf: number, dev = CPUID_DEV): Reading<CpuidRegs> {
  try {
    const b = pread(dev, 16, leaf);
    return { ok: true, value: { eax: b.readUInt32LE(0), ebx: b.readUInt32LE(4), ecx: b.readUInt32LE(8), edx: b.readUInt32LE(12) }, from: dev };
  } catch (e) {
    return { ok: false, why: `${dev}: ${errText(e)}` };
  }
}

export function readMsr(index: number, dev = MSR_DEV): Reading<bigint> {
  try {
    return { ok: true, value: pread(dev, 8, index).readBigUInt64LE(0), from: dev };
  } catch (e) {
    return { ok: false, why: `${dev}: ${errText(e)}` };
  }
}

/** Everything from the device files; the leaf is read only if the CPU's highest extended leaf reaches it. */
export function readHost(model: EModel, devs: { cpuid: string; msr: string } = { cpuid: CPUID_DEV, msr: MSR_DEV }): HostRegisters {
  const ids = registerIds(model);
  const v0 = readCpuid(0, devs.cpuid);
  const vendor: Reading<string> = v0.ok
    ? { ok: true, value: Buffer.from(new Uint32Array([v0.value.ebx, v0.value.edx, v0.value.ecx]).buffer).toString('latin1'), from: v0.from }
    : v0;
  let memEncrypt: Reading<CpuidRegs>;
  // CPUID Fn8000_0000 EAX is the highest extended leaf (APM vol. 3, E.4.1).
  const maxExt = readCpuid(0x8000_0000, devs.cpuid);
  if (!maxExt.ok) memEncrypt = maxExt;
  else if (maxExt.value.eax < ids.leaf) memEncrypt = { ok: false, why: `the CPU's highest extended CPUID leaf is 0x${maxExt.value.eax.toString(16)}, below 0x${ids.leaf.toString(16)}` };
  else memEncrypt = readCpuid(ids.leaf, devs.cpuid);
  return { vendor, memEncrypt, syscfg: readMsr(ids.syscfg, devs.msr), sevStatus: readMsr(ids.sevStatus, devs.msr) };
}
