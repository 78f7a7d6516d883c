// Long steps in tests (the real-Xen check, fetching the Xen source) must not be
// silent for minutes: run the command, collect its output as before, and pass
// the lines that report progress on to stderr as they come.
import { execa } from 'execa';

export interface Progress {
  /** Which output lines (stdout or stderr, without the newline) to pass on. */
  show: (line: string) => boolean;
  /** Where they go; stderr unless a test says otherwise. */
  write?: (line: string) => void;
}

export interface RunOptions {
  reject?: boolean;
  env?: Record<string, string>;
  timeout?: number;
  cwd?: string;
}

export interface RunResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved, as they came. */
  all: string;
}

export async function runWithProgress(file: string, args: readonly string[], options: RunOptions, progress: Progress): Promise<RunResult> {
  const write = progress.write ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const sub = execa(file, args, { ...options, all: true, buffer: true });
  for (const stream of [sub.stdout, sub.stderr]) {
    if (!stream) continue;
    let rest = '';
    stream.on('data', (chunk: Buffer | string) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop()!;
      for (const l of lines) if (progress.show(l)) write(l);
    });
    stream.on('end', () => {
      if (rest !== '' && progress.show(rest)) write(rest);
    });
  }
  const r = await sub;
  return { exitCode: r.exitCode, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), all: String(r.all ?? '') };
}
