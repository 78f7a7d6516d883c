// git, run without the user's or the machine's configuration getting a say in
// what a commit or a patch looks like.
import { execa } from 'execa';

export interface Identity {
  name: string;
  email: string;
}

// Neither the machine's nor the user's git configuration may change what a
// commit or a patch looks like (diff algorithm, abbreviation, signature...).
const QUIET_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
};

export async function git(cwd: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<string> {
  const r = await execa('git', args, {
    cwd,
    env: { ...QUIET_ENV, ...env },
    ...(input !== undefined ? { input } : {}),
    reject: false,
    stripFinalNewline: true,
  });
  if (r.exitCode !== 0) {
    throw new Error(`git ${args.join(' ')} (in ${cwd}) failed: ${String(r.stderr || r.stdout).trim()}`);
  }
  return String(r.stdout);
}

export function identityEnv(who: Identity, date?: string): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: who.name,
    GIT_AUTHOR_EMAIL: who.email,
    GIT_COMMITTER_NAME: who.name,
    GIT_COMMITTER_EMAIL: who.email,
    ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}),
  };
}

export function parseIdentity(text: string): Identity {
  const m = /^\s*([^<>]*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(text);
  if (!m || !m[1]) return { name: '', email: '' };
  return { name: m[1], email: m[2]! };
}
