// Real C compilers for the tests: gcc always, clang when installed.
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateAll } from '../../generators/generate.ts';
import type { EModel } from '../../generators/elaborate/model.ts';
import type { OutputFile } from '../../generators/emit/common.ts';
import { writeOutputs } from '../../generators/write.ts';
import { testTempDir } from './tmp.ts';

export const STRICT_FLAGS = ['-std=c11', '-Wall', '-Wextra', '-Werror', '-pedantic'];

async function has(cmd: string): Promise<boolean> {
  const r = await execa(cmd, ['--version'], { reject: false });
  return r.exitCode === 0;
}

/** gcc must exist (the tests fail without it); clang joins when it is installed. */
export async function compilers(): Promise<string[]> {
  const out = ['gcc'];
  if (await has('clang')) out.push('clang');
  return out;
}

export function tempDir(prefix: string): string {
  return testTempDir(prefix);
}

type Emitter = (model: EModel) => OutputFile[];

/**
 * Writes a fresh generation of `model` into a temporary root and returns it.
 * A model other than the project's passes the emitters that apply to it.
 */
export function generateInto(model: EModel, emitters?: Emitter[]): string {
  const root = tempDir('gen');
  const files = emitters ? emitters.flatMap((e) => e(model)) : generateAll(model);
  writeOutputs(root, files, ['generated']);
  return root;
}

/** Compiles one C translation unit; returns the compiler's output on failure. */
export async function compile(cc: string, source: string, dir: string, extra: string[] = []) {
  const src = join(dir, `tu-${Math.random().toString(36).slice(2)}.c`);
  writeFileSync(src, source);
  return execa(cc, [...STRICT_FLAGS, ...extra, '-c', src, '-o', `${src}.o`], { reject: false, all: true });
}
