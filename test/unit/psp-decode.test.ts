// xen-sev psp decode, fw rules/simulate and explain over real published ccp
// logs (test/fixtures/ccp/*.log, each citing its source). Expected field
// values were worked out by hand from the posted hexdumps (16-bit words,
// little-endian) and the SEV API / SNP ABI buffer layouts.
import { createHash } from 'node:crypto';
import { execa } from 'execa';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { decodeLog, dumpRowBytes, parseErrorLine } from '../../lib/firmware/ccp-log.ts';
import { readBounded } from '../../lib/firmware/input.ts';
import { explain, parseQuery, renderExplanation } from '../../lib/explain/explain.ts';
import { UserError } from '../../lib/errors.ts';
import { REPO_ROOT } from '../../lib/paths.ts';
import { testTempDir } from '../helpers/tmp.ts';

const FIX = join(REPO_ROOT, 'test/fixtures/ccp');
const model = projectModel();
const cli = (...args: string[]) => execa('node', [join(REPO_ROOT, 'bin/xen-sev'), ...args], { reject: false, cwd: '/' });
const read = (f: string) => readBounded(join(FIX, f), 1 << 20).toString('utf8');

describe('ccp hexdumps', () => {
  it('reads 2-byte groups as little-endian words and 1-byte groups in order', () => {
    expect(dumpRowBytes(['3401', '0000', '0400'])).toEqual([0x01, 0x34, 0x00, 0x00, 0x00, 0x04]);
    expect(dumpRowBytes(['01', '34', '02'])).toEqual([0x01, 0x34, 0x02]);
    expect(dumpRowBytes(['44332211'])).toEqual([0x11, 0x22, 0x33, 0x44]);
  });
});

describe('psp decode: published logs', () => {
  it('AMDSEV#107: PLATFORM_STATUS out is API 1.52, UNINIT, build 4; SNP_INIT_EX in has the RMP range list', () => {
    const d = decodeLog(read('amdsev-107-snp-init-ex.log'));
    expect(d.commands.map((c) => [c.id, c.name, c.timeout_s])).toEqual([['0x4', 'PLATFORM_STATUS', 5], ['0x85', 'SNP_INIT_EX', 100]]);
    const ps = d.commands[0]!;
    // (out): 3401 0000 0000 0400 0000 0000 -> bytes 01 34 00 00 00 00 00 04 00 00 00 00
    expect(ps.out).toMatchObject({ api_major: '0x1', api_minor: '0x34', state: 'UNINIT', build: '0x4', guest_count: '0x0' });
    expect(ps.summary).toBe('api 1.52, state UNINIT, build 4, 0 guests');
    const init = d.commands[1]!;
    // (in): 0003 0000 0000 0000 7000 42f8 0001 0000 -> flags 3, list_paddr 0x0000_0001_42f8_7000
    expect(init.in.flags).toMatch(/^0x3 /);
    expect(init.in.list_paddr).toBe('0x142f87000');
    expect(init.in_bytes).toBe(48);
    expect(init.buffer_size).toBe(64);
    expect(d.errors).toEqual([]);
  });

  it('AMDSEV#189: SNP_INIT INVALID_CONFIG then INIT INVALID_PLATFORM_STATE, with what the model says', () => {
    const d = decodeLog(read('amdsev-189-snp-init-rc.log'));
    expect(d.errors.map((e) => [e.code, e.name, e.api, e.command, e.rc])).toEqual([
      ['0x3', 'INVALID_CONFIG', 'snp', 'SNP_INIT', -5],
      ['0x1', 'INVALID_PLATFORM_STATE', 'sev', 'INIT', -5],
    ]);
    expect(d.errors[1]!.model.join('\n')).toContain('INIT is accepted in platform state UNINIT');
    expect(d.errors[0]!.model.join('\n')).toContain('SNPEn');
    expect(d.versions).toEqual([expect.objectContaining({ api: 'sev', version: '1.55', build: 7 })]);
  });

  it('AMDSEV#184: a timeout, then statuses that are not the firmware\'s', () => {
    const d = decodeLog(read('amdsev-184-timeout.log'));
    expect(d.errors.map((e) => [e.code, e.name, e.command])).toEqual([
      [null, null, 'SNP_INIT_EX'],
      ['0x0', null, 'SNP_INIT_EX'],
      ['0xffffffff', null, 'INIT'],
    ]);
  });

  it('sev-tool#43, #66 and AMDSEV#82: 0x13 is HWERROR_PLATFORM in both tables, 0x8004 in neither', () => {
    expect(decodeLog(read('sevtool-43-hwerror.log')).errors.map((e) => [e.code, e.name, e.command])).toEqual([['0x13', 'HWERROR_PLATFORM', 'INIT']]);
    expect(decodeLog(read('sevtool-66-8004.log')).errors.map((e) => [e.code, e.name])).toEqual([['0x8004', null]]);
    const d = decodeLog(read('amdsev-82-hwerror-snp.log'));
    expect(d.errors.map((e) => [e.api, e.code, e.name])).toEqual([['snp', '0x13', 'HWERROR_PLATFORM'], ['sev', '0x13', 'HWERROR_PLATFORM']]);
    expect(d.versions[0]).toMatchObject({ version: '1.51', build: 3 });
  });

  it('reads the newer "sev command ... failed (status)" form by command id', () => {
    const e = parseErrorLine('ccp 0000:01:00.5: sev command 0x33 failed (0x00000004)');
    expect(e).toMatchObject({ code: '0x4', name: 'INVALID_LENGTH', command: 'LAUNCH_MEASURE' });
  });
});

describe('psp decode (CLI)', () => {
  it('--json has commands with id, name, in, out and errors with text, code, name', async () => {
    const r = await cli('psp', 'decode', join(FIX, 'amdsev-189-snp-init-rc.log'), '--json');
    expect(r.exitCode).toBe(1); // the log shows failures
    const j = JSON.parse(r.stdout);
    expect(j.errors[0]).toMatchObject({ text: '[   11.702131] ccp 0000:42:00.1: SEV-SNP: failed to INIT rc -5, error 0x3', code: '0x3', name: 'INVALID_CONFIG' });
    const ok = await cli('psp', 'decode', join(FIX, 'amdsev-107-snp-init-ex.log'), '--json');
    expect(ok.exitCode).toBe(0);
    expect(JSON.parse(ok.stdout).commands[0]).toMatchObject({ id: '0x4', name: 'PLATFORM_STATUS', out: { state: 'UNINIT' } });
  });

  it('text names each command and explains each error', async () => {
    const r = await cli('psp', 'decode', join(FIX, 'sevtool-43-hwerror.log'));
    expect(r.stdout).toContain('0x13 = HWERROR_PLATFORM (SEV API status table)');
    expect(r.stdout).toContain('model: HWERROR_PLATFORM when this check fails: memory encryption is enabled');
  });

  it('bad input: one line on stderr, exit 2', async () => {
    const dir = testTempDir('psp');
    writeFileSync(join(dir, 'empty.log'), 'nothing to see\n');
    for (const args of [['psp', 'decode', join(dir, 'empty.log')], ['psp', 'decode', join(dir, 'missing.log')], ['psp', 'decode', dir]]) {
      const r = await cli(...args);
      expect(r.exitCode).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^xen-sev: /);
    }
  });

  it('reads at most the limit', () => {
    const dir = testTempDir('psp');
    writeFileSync(join(dir, 'big.log'), 'x'.repeat(2000));
    expect(() => readBounded(join(dir, 'big.log'), 1000)).toThrow(/2000 bytes, more than the 1000-byte limit/);
  });
});

describe('explain: log lines and codes outside the tables', () => {
  it('takes a whole log line and says what the model says about the command', () => {
    const q = parseQuery('ccp 0000:42:00.1: SEV: failed to INIT error 0x13', model);
    expect(q.code).toBe(0x13n);
    expect(q.api).toBe('sev');
    const e = explain(model, q.code, q.api, q.line);
    expect(e.meanings.map((m) => m.name)).toEqual(['HWERROR_PLATFORM']);
    expect(e.line?.command).toBe('INIT');
    expect(e.commands.sev).toEqual(['INIT', 'INIT_EX']);
    expect(renderExplanation(e)).not.toContain('not recorded in the schema');
  });

  it('fills Commands from the firmware model', () => {
    const e = explain(model, 0xe, null);
    expect(e.commands.sev).toEqual(['DF_FLUSH']);
    expect(e.commands.snp).toEqual(['SNP_DF_FLUSH']);
    expect(explain(model, 0x8, 'sev').commands.sev).toContain('LAUNCH_UPDATE_DATA');
  });

  it('explains 0x8003, 0x8004 and 0x9003 by the CmdResp layout, without guessing a cause', () => {
    for (const code of [0x8003, 0x8004, 0x9003]) {
      const e = explain(model, code, null);
      expect(e.defined).toBe(false);
      const text = renderExplanation(e);
      expect(text).toContain('bits 15:0 of the CmdResp register');
      expect(text).toContain('PSP_CMDRESP_STS = GENMASK(15, 0)');
      expect(text).toContain('with bit 15 set');
      expect(text).toContain('define codes 0x0 to 0x28 only');
    }
  });

  it('names the firmware\'s +0x40 rule for a command buffer in the wrong page state', () => {
    const text = renderExplanation(explain(model, 0x5a, null));
    expect(text).toContain('0x5a is 0x1a (INVALID_PAGE_STATE) + 0x40 in that case');
    expect(text).toContain('sev_dispatch.c');
  });

  it('keeps huge codes exact (no floats)', () => {
    const e = explain(model, parseQuery('0x1ffffffffffffffff', model).code, null);
    expect(e.hex).toBe('0x1ffffffffffffffff');
    expect(e.code).toBe('36893488147419103231');
    expect(renderExplanation(e)).not.toMatch(/e\+|\d\.\d+e/);
    const digits = '9'.repeat(5000);
    const big = explain(model, parseQuery(digits, model).code, null);
    expect(big.code).toBe(digits);
    expect(big.defined).toBe(false);
    expect(() => parseQuery('SEV: all good', model)).toThrow(UserError);
  });

  it('exits 1 for an undefined code, 0 for a defined one, and accepts a log line', async () => {
    const u = await cli('explain', '0x9003');
    expect(u.exitCode).toBe(1);
    expect(u.stdout).toContain('outside that range');
    const l = await cli('explain', 'SEV: failed to INIT error 0x13', '--json');
    expect(l.exitCode).toBe(0);
    expect(JSON.parse(l.stdout)).toMatchObject({ hex: '0x13', defined: true, line: { command: 'INIT', api: 'sev' } });
    const big = await cli('explain', '0x1ffffffffffffffff', '--json');
    expect(big.exitCode).toBe(1);
    expect(big.stdout).toContain('"code": "36893488147419103231"');
  });
});

describe('fw (CLI)', () => {
  it('rules --json lists every command with exactly the documented keys', async () => {
    const r = await cli('fw', 'rules', '--json');
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.commands).toHaveLength(70);
    for (const c of j.commands) expect(Object.keys(c)).toEqual(['id', 'name', 'buffer_size', 'platform_states', 'guest_states', 'next_platform_state', 'next_guest_state']);
    expect(j.commands[0]).toEqual({ id: '0x1', name: 'INIT', buffer_size: 20, platform_states: ['UNINIT'], guest_states: null, next_platform_state: 'INIT', next_guest_state: null });
  });

  it('simulate reads the JSON form, host configuration included', async () => {
    const r = await cli('fw', 'simulate', join(REPO_ROOT, 'test/fixtures/fw/no-memory-encryption.json'), '--json');
    expect(r.exitCode).toBe(0);
    const steps = JSON.parse(r.stdout).steps;
    expect(steps.map((s: { action: string; status_name: string | null }) => s.status_name ?? s.action)).toEqual(['HWERROR_PLATFORM', 'SUCCESS', 'wbinvd', 'mem 0x1000 (16 bytes)', 'rmp 0x800000 firmware']);
    expect(steps[0].platform_state).toBe('UNINIT');
  });

  it('serve answers the line protocol over a pipe, one answer per line', async () => {
    const input = ['host memory_encryption=off', 'cmd 1 ' + '00'.repeat(20), 'mbox 4 0x1000', 'read 0x1000 c', 'bogus', '', 'wbinvd'].join('\n');
    const r = await execa('node', [join(REPO_ROOT, 'bin/xen-sev'), 'fw', 'serve'], { input, reject: false, cwd: '/' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'ok',
      'ok 13 ' + '00'.repeat(20), // INIT: HWERROR_PLATFORM
      'ok 0',
      'ok 013400000000000400000000', // PLATFORM_STATUS: api 1.52, state UNINIT, build 4
      "err unknown request 'bogus' (cmd, mbox, host, mem, read, wbinvd, rmp, state, reset)",
      "err unknown request '' (cmd, mbox, host, mem, read, wbinvd, rmp, state, reset)",
      'ok',
    ]);
  });

  it('simulate runs the SEV-ES launch fixture; a wrong expect= exits 1; bad input exits 2', async () => {
    const r = await cli('fw', 'simulate', join(REPO_ROOT, 'test/fixtures/fw/sev-es-launch.txt'), '--json');
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.mismatches).toBe(0);
    expect(j.steps.find((s: { command: string }) => s.command === 'LAUNCH_MEASURE').measurement).toMatch(/^[0-9a-f]{64}$/);
    const snp = await cli('fw', 'simulate', join(REPO_ROOT, 'test/fixtures/fw/snp-launch.txt'), '--json');
    expect(snp.exitCode).toBe(0);
    // One NORMAL page of 0x41 at GPA 0x100000: SHA-384 over PAGE_INFO (56860), assembled here.
    const pi = Buffer.alloc(0x70);
    createHash('sha384').update(Buffer.alloc(4096, 0x41)).digest().copy(pi, 0x30);
    pi.writeUInt16LE(0x70, 0x60);
    pi.writeUInt8(1, 0x62);
    pi.writeBigUInt64LE(0x100000n, 0x68);
    const finish = JSON.parse(snp.stdout).steps.find((s: { command: string }) => s.command === 'SNP_LAUNCH_FINISH');
    expect(finish.measurement).toBe(createHash('sha384').update(pi).digest('hex'));
    const dir = testTempDir('fw');
    writeFileSync(join(dir, 'wrong.txt'), 'LAUNCH_FINISH handle=1 expect=SUCCESS\n');
    const w = await cli('fw', 'simulate', join(dir, 'wrong.txt'));
    expect(w.exitCode).toBe(1);
    expect(w.stdout).toContain('LAUNCH_FINISH (0x35): INVALID_PLATFORM_STATE (0x1)  EXPECTED SUCCESS');
    writeFileSync(join(dir, 'bad.txt'), 'INIT flags=1 nosuch=2\n');
    const b = await cli('fw', 'simulate', join(dir, 'bad.txt'));
    expect(b.exitCode).toBe(2);
    expect(b.stderr.trim()).toMatch(/^xen-sev: .*bad\.txt:1: sev_data_init has no field 'nosuch'/);
    writeFileSync(join(dir, 'bad.json'), '{"steps": [{"cmd": "INIT", "fields": {"flags": "0x100000000"}}]}');
    const bj = await cli('fw', 'simulate', join(dir, 'bad.json'));
    expect(bj.exitCode).toBe(2);
    expect(bj.stderr).toContain('flags: 0x100000000 does not fit in 32 bits');
  });
});
