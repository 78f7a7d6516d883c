// The firmware model against the firmware's published behaviour. Expected
// values are test data: the sev-tool README's calc_measurement vector, the
// measurement assembled here byte by byte from the SEV API definition
// (0x04 || API_MAJOR || API_MINOR || BUILD || POLICY || launch digest ||
// MNONCE under the TIK), SHA-384 PAGE_INFO chains assembled from the 56860
// table, and state/status expectations transcribed from AMD's firmware source
// (amd/AMD-ASPFW sev_mcmd.c, sev_plat.c state_tbl_sev, sev_guest.c).
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { encodeStruct } from '../../lib/firmware/buffer.ts';
import { FirmwareModel, type HostConfig } from '../../lib/firmware/model.ts';
import { FirmwareServer } from '../../lib/firmware/protocol.ts';
import { fwTables, ruleJson } from '../../lib/firmware/table.ts';

const model = projectModel();
const t = fwTables();

// Status codes as the SEV API status table numbers them (55766 "Status Codes"), written out as test data.
const S = {
  SUCCESS: 0x00, INVALID_PLATFORM_STATE: 0x01, INVALID_GUEST_STATE: 0x02, INVALID_CONFIG: 0x03, INVALID_LENGTH: 0x04,
  POLICY_FAILURE: 0x07, INACTIVE: 0x08, INVALID_ADDRESS: 0x09, ASID_OWNED: 0x0c, INVALID_ASID: 0x0d, WBINVD_REQUIRED: 0x0e,
  DFFLUSH_REQUIRED: 0x0f, INVALID_GUEST: 0x10, INVALID_COMMAND: 0x11, ACTIVE: 0x12, HWERROR_PLATFORM: 0x13, UNSUPPORTED: 0x15,
  INVALID_PARAM: 0x16, INVALID_PAGE_SIZE: 0x19, INVALID_PAGE_STATE: 0x1a, INVALID_PAGE_OWNER: 0x1c,
} as const;

function buf(name: string, fields: Record<string, bigint | Uint8Array> = {}): Uint8Array {
  return encodeStruct(model.structs.get(name)!, fields);
}

class Host {
  fw: FirmwareModel;
  constructor(cfg: Partial<HostConfig> = {}) {
    this.fw = new FirmwareModel(cfg);
  }
  run(name: string, fields: Record<string, bigint | Uint8Array> = {}) {
    const c = t.byName.get(name)!;
    return this.fw.execute(c.id, c.struct === null ? new Uint8Array(0) : buf(c.struct.name, fields));
  }
  status(name: string, fields: Record<string, bigint | Uint8Array> = {}) {
    return this.run(name, fields).status;
  }
  /** INIT (SEV-ES with a TMR), WBINVD, DF_FLUSH: ASIDs clean. */
  ready(es = true) {
    expect(this.status('INIT', es ? { flags: 1n, tmr_address: 0x1000000n, tmr_len: 0x100000n } : {})).toBe(S.SUCCESS);
    this.fw.wbinvd();
    expect(this.status('DF_FLUSH')).toBe(S.SUCCESS);
  }
  /** LAUNCH_START with the owner's certificate and session, returning the handle. */
  start(policy: bigint, withCert = true): number {
    const r = this.run('LAUNCH_START', withCert
      ? { policy, dh_cert_address: 0x400000n, dh_cert_len: 0x824n, session_address: 0x401000n, session_len: 0x80n }
      : { policy });
    expect(r.statusName).toBe('SUCCESS');
    return Number(new DataView(r.buffer.buffer, r.buffer.byteOffset).getUint32(0, true));
  }
}

describe('fw rules: the table covers the documents', () => {
  it('has every SEV API and SNP ABI command id exactly once', () => {
    // The SEV-TIO commands (0xD0..0xD5, known from 56860 rev 1.58 through
    // Linux) are outside the model: AMD's published firmware source has no
    // SEV-TIO code to take their state rules from.
    const ids = [...model.groups.get('sev_cmd')!.values, ...model.groups.get('snp_cmd')!.values]
      .filter((v) => !v.name.startsWith('TIO_'))
      .map((v) => Number(v.value))
      .sort((a, b) => a - b);
    expect(t.commands.map((c) => c.id)).toEqual(ids);
  });

  it('gives each command a citation of 55766 or 56860 and the firmware source', () => {
    for (const c of t.commands) {
      expect(c.spec.doc).toBe(c.api === 'sev' ? '55766' : '56860');
      expect(c.citation).toMatch(/amd\/AMD-ASPFW/);
      for (const k of c.checks) expect(k.spec.doc).toBe(c.spec.doc);
    }
  });

  it('matches the firmware source for the platform and launch commands', () => {
    // Transcribed from sev_plat.c state_tbl_sev and the sev_mcmd.c state checks.
    const expected: Record<string, [string[], string[] | null, string | null, string | null, number]> = {
      INIT: [['UNINIT'], null, 'INIT', null, 0x14],
      INIT_EX: [['UNINIT'], null, 'INIT', null, 0x24],
      SHUTDOWN: [['UNINIT', 'INIT', 'WORKING'], null, 'UNINIT', null, 0],
      PLATFORM_STATUS: [['UNINIT', 'INIT', 'WORKING'], null, null, null, 0xc],
      PEK_GEN: [['INIT'], null, null, null, 0],
      LAUNCH_START: [['INIT', 'WORKING'], ['UNINIT'], 'WORKING', 'LUPDATE', 0x24],
      LAUNCH_UPDATE_DATA: [['WORKING'], ['LUPDATE'], null, null, 0x14],
      LAUNCH_MEASURE: [['WORKING'], ['LUPDATE'], null, 'LSECRET', 0x14],
      LAUNCH_SECRET: [['WORKING'], ['LSECRET'], null, null, 0x34],
      LAUNCH_FINISH: [['WORKING'], ['LSECRET'], null, 'RUNNING', 0x4],
      SEND_START: [['WORKING'], ['RUNNING'], null, 'SUPDATE', 0x44],
      SEND_FINISH: [['WORKING'], ['SUPDATE'], null, 'SENT', 0x4],
      RECEIVE_START: [['INIT', 'WORKING'], ['UNINIT'], 'WORKING', 'RUPDATE', 0x24],
      SNP_INIT: [['UNINIT'], null, 'INIT', null, 0],
      SNP_GCTX_CREATE: [['INIT'], null, null, 'INIT', 0x8],
      SNP_LAUNCH_START: [['INIT'], ['INIT'], null, 'LAUNCH', 0x30],
      SNP_LAUNCH_UPDATE: [['INIT'], ['LAUNCH'], null, null, 0x20],
      SNP_LAUNCH_FINISH: [['INIT'], ['LAUNCH'], null, 'RUNNING', 0x40],
      SNP_ACTIVATE: [['INIT'], ['LAUNCH', 'RUNNING'], null, null, 0xc],
    };
    for (const [name, [plat, guest, nextP, nextG, size]] of Object.entries(expected)) {
      const j = ruleJson(t.byName.get(name)!);
      expect({ name, plat: j.platform_states, guest: j.guest_states, nextP: j.next_platform_state, nextG: j.next_guest_state, size: j.buffer_size })
        .toEqual({ name, plat, guest, nextP, nextG, size });
    }
    expect(ruleJson(t.byName.get('INIT')!)).toEqual({ id: '0x1', name: 'INIT', buffer_size: 20, platform_states: ['UNINIT'], guest_states: null, next_platform_state: 'INIT', next_guest_state: null });
  });

  it('rejects a table entry naming a field its buffer does not have', async () => {
    const { buildFwTables } = await import('../../lib/firmware/table.ts');
    const { parseFwCommands } = await import('../../lib/firmware/fw-parse.ts');
    const { fwCommands } = await import('../../schema/fw.ts');
    const bad = fwCommands.map((c) => (c.command === 'ACTIVATE' ? { ...c, checks: [{ ...c.checks[0]!, field: 'asdi' }] } : c));
    expect(() => buildFwTables(model, parseFwCommands(bad))).toThrow(/command ACTIVATE, field asdi: field: sev_data_activate has no field asdi/);
    const badState = fwCommands.map((c) => (c.command === 'INIT' ? { ...c, platformStates: ['LAUNCH'] } : c));
    expect(() => buildFwTables(model, parseFwCommands(badState))).toThrow(/INIT: LAUNCH is not a sev platform state/);
  });
});

describe('SEV launch measurement', () => {
  it('reproduces the calc_measurement vector of AMD\'s sev-tool README', () => {
    // AMDESE/sev-tool readme.md, "calc_measurement": context 04, API 00.12, build 0f, policy 00,
    // digest e3b0...b855 (SHA-256 of nothing: no LAUNCH_UPDATE_DATA), mnonce 4fbe...e554, TIK 6632...5ed4.
    const h = new Host({
      apiMajor: 0x00, apiMinor: 0x12, build: 0x0f,
      tik: Buffer.from('66320db73158a35a255d051758e95ed4', 'hex'),
      mnonce: Buffer.from('4fbe0bedbad6c86ae8f68971d103e554', 'hex'),
    });
    h.ready(false);
    const handle = h.start(0n);
    const r = h.run('LAUNCH_MEASURE', { handle: BigInt(handle), address: 0x500000n, len: 48n });
    expect(r.statusName).toBe('SUCCESS');
    expect(r.measurement).toBe('6faab2daae389bcd3405a05d6cafe33c0414f7bedd0bae19ba5f38b7fd1664ea');
    // The firmware writes MEASURE then MNONCE at the measurement address.
    expect(Buffer.from(h.fw.memory.read(0x500000n, 48)).toString('hex')).toBe(
      '6faab2daae389bcd3405a05d6cafe33c0414f7bedd0bae19ba5f38b7fd1664ea' + '4fbe0bedbad6c86ae8f68971d103e554',
    );
  });

  it('measures the pages LAUNCH_UPDATE_DATA/VMSA saw, in order, as the SEV API defines it', () => {
    const tik = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    const mnonce = Buffer.from('ffeeddccbbaa99887766554433221100', 'hex');
    const h = new Host({ apiMajor: 1, apiMinor: 55, build: 21, tik, mnonce });
    const image = Buffer.alloc(0x2000);
    for (let i = 0; i < image.length; i++) image[i] = (i * 7) & 0xff;
    const vmsa = Buffer.alloc(0x1000, 0x5a);
    h.fw.memory.write(0x200000n, image);
    h.fw.memory.write(0x300000n, vmsa);
    h.ready(true);
    const handle = BigInt(h.start(0x5n));
    expect(h.status('ACTIVATE', { handle, asid: 1n })).toBe(S.SUCCESS);
    expect(h.status('LAUNCH_UPDATE_DATA', { handle, address: 0x200000n, len: 0x2000n })).toBe(S.SUCCESS);
    expect(h.status('LAUNCH_UPDATE_VMSA', { handle, address: 0x300000n, len: 0x1000n })).toBe(S.SUCCESS);
    const r = h.run('LAUNCH_MEASURE', { handle, address: 0x500000n, len: 48n });
    const digest = createHash('sha256').update(image).update(vmsa).digest();
    const msg = Buffer.concat([Buffer.from([0x04, 1, 55, 21]), Buffer.from([0x05, 0, 0, 0]), digest, mnonce]);
    expect(r.measurement).toBe(createHmac('sha256', tik).update(msg).digest('hex'));
  });

  it('uses a zero TIK when LAUNCH_START had no DH certificate (no channel opened)', () => {
    const mnonce = Buffer.alloc(16, 1);
    const h = new Host({ apiMajor: 1, apiMinor: 52, build: 4, mnonce });
    h.ready(false);
    const handle = BigInt(h.start(0x1n, false));
    const r = h.run('LAUNCH_MEASURE', { handle, address: 0x500000n, len: 48n });
    const msg = Buffer.concat([Buffer.from([4, 1, 52, 4, 1, 0, 0, 0]), createHash('sha256').digest(), mnonce]);
    expect(r.measurement).toBe(createHmac('sha256', Buffer.alloc(16)).update(msg).digest('hex'));
  });
});

describe('wrong states', () => {
  it('refuses every SEV command outside its platform states with its table status', () => {
    // Drive the platform to each state, then try every command there.
    const reach: Record<string, (h: Host) => void> = {
      UNINIT: () => {},
      INIT: (h) => h.ready(false),
      WORKING: (h) => { h.ready(false); h.start(0x1n, false); },
    };
    let refused = 0;
    for (const [state, go] of Object.entries(reach)) {
      for (const c of t.commands.filter((x) => x.api === 'sev')) {
        if (c.platformStates.includes(state)) continue;
        const h = new Host();
        go(h);
        expect(h.fw.platform).toBe(state);
        const r = h.run(c.command);
        expect({ cmd: c.command, state, status: r.statusName }).toEqual({ cmd: c.command, state, status: 'INVALID_PLATFORM_STATE' });
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(60);
  });

  it('refuses every SNP command outside its platform states', () => {
    let refused = 0;
    for (const state of ['UNINIT', 'INIT']) {
      for (const c of t.commands.filter((x) => x.api === 'snp' && !x.platformStates.includes(state))) {
        const h = new Host();
        if (state === 'INIT') expect(h.status('SNP_INIT')).toBe(S.SUCCESS);
        expect({ cmd: c.command, state, status: h.run(c.command).statusName }).toEqual({ cmd: c.command, state, status: 'INVALID_PLATFORM_STATE' });
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(20);
  });

  it('refuses every SEV guest command in every guest state it does not accept', () => {
    // Drive one guest (policy 0x1, ASID 5 once activated) into each state.
    const reach: Record<string, (h: Host) => bigint> = {
      LUPDATE: (h) => BigInt(h.start(0x1n, false)),
      LSECRET: (h) => { const g = BigInt(h.start(0x1n, false)); h.status('LAUNCH_MEASURE', { handle: g, address: 0x500000n, len: 48n }); return g; },
      RUNNING: (h) => { const g = reach.LSECRET!(h); h.status('LAUNCH_FINISH', { handle: g }); return g; },
      SUPDATE: (h) => { const g = reach.RUNNING!(h); h.status('SEND_START', { handle: g }); return g; },
      SENT: (h) => { const g = reach.SUPDATE!(h); h.status('SEND_FINISH', { handle: g }); return g; },
      RUPDATE: (h) => BigInt(h.run('RECEIVE_START', { policy: 1n }).buffer[0]!),
    };
    // Buffers valid apart from the state, so that the state check is what fails.
    const valid: Record<string, Record<string, bigint>> = {
      ACTIVATE: { asid: 5n }, ACTIVATE_EX: { ex_len: 24n, asid: 5n },
      LAUNCH_UPDATE_DATA: { address: 0x200000n, len: 0x10n }, LAUNCH_UPDATE_VMSA: { address: 0x200000n, len: 0x10n },
      LAUNCH_MEASURE: { address: 0x500000n, len: 48n },
      LAUNCH_SECRET: { hdr_len: 0x34n, guest_address: 0x600000n, guest_len: 0x10n, trans_len: 0x10n, hdr_address: 0x610000n, trans_address: 0x620000n },
    };
    let refused = 0;
    for (const c of t.commands.filter((x) => x.api === 'sev' && x.guestStates !== null && !x.guestStates.includes('UNINIT'))) {
      for (const [state, go] of Object.entries(reach)) {
        if (c.guestStates!.includes(state)) continue;
        const h = new Host();
        h.ready(false);
        const handle = go(h);
        expect(h.fw.guests.get(Number(handle))?.state).toBe(state);
        const r = h.run(c.command, { handle, ...valid[c.command] });
        expect({ cmd: c.command, state, status: r.statusName }).toEqual({ cmd: c.command, state, status: 'INVALID_GUEST_STATE' });
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(60);
  });

  it('refuses every SNP guest command in every guest state it does not accept', () => {
    const G = 0x800000n;
    const reach: Record<string, (h: Host) => void> = {
      INIT: (h) => { h.fw.rmpUpdate(G, 'firmware'); h.status('SNP_GCTX_CREATE', { gctx_paddr: G }); },
      LAUNCH: (h) => { reach.INIT!(h); h.status('SNP_LAUNCH_START', { gctx_paddr: G }); },
      RUNNING: (h) => { reach.LAUNCH!(h); h.status('SNP_ACTIVATE', { gctx_paddr: G, asid: 1n }); h.status('SNP_LAUNCH_FINISH', { gctx_paddr: G }); },
    };
    let refused = 0;
    for (const c of t.commands.filter((x) => x.api === 'snp' && x.guestStates !== null)) {
      for (const [state, go] of Object.entries(reach)) {
        if (c.guestStates!.includes(state)) continue;
        const h = new Host();
        expect(h.status('SNP_INIT')).toBe(S.SUCCESS);
        h.fw.wbinvd();
        h.status('SNP_DF_FLUSH');
        go(h);
        expect(h.fw.snapshot().snpGuests[0]!.state).toBe(state);
        const r = h.run(c.command, { gctx_paddr: G, ...(c.command.startsWith('SNP_ACTIVATE') ? { asid: 2n } : {}) });
        expect({ cmd: c.command, state, status: r.statusName }).toEqual({ cmd: c.command, state, status: 'INVALID_GUEST_STATE' });
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(10);
  });

  it('follows the guest state machine of the launch flow', () => {
    const h = new Host();
    h.ready(false);
    const handle = BigInt(h.start(0x1n));
    expect(h.status('LAUNCH_SECRET', { handle, hdr_len: 0x34n, guest_address: 0x600000n, guest_len: 0x10n, trans_len: 0x10n, hdr_address: 0x610000n, trans_address: 0x620000n })).toBe(S.INVALID_GUEST_STATE);
    expect(h.status('LAUNCH_FINISH', { handle })).toBe(S.INVALID_GUEST_STATE);
    expect(h.status('SEND_START', { handle })).toBe(S.INVALID_GUEST_STATE);
    expect(h.status('LAUNCH_UPDATE_DATA', { handle, address: 0x200000n, len: 0x10n })).toBe(S.INACTIVE);
    expect(h.status('ACTIVATE', { handle, asid: 5n })).toBe(S.SUCCESS);
    expect(h.status('LAUNCH_UPDATE_DATA', { handle, address: 0x200000n, len: 0x10n })).toBe(S.SUCCESS);
    expect(h.status('LAUNCH_UPDATE_VMSA', { handle, address: 0x300000n, len: 0x1000n })).toBe(S.UNSUPPORTED); // not an ES policy
    expect(h.status('LAUNCH_MEASURE', { handle, address: 0x500000n, len: 47n })).toBe(S.INVALID_LENGTH);
    const short = h.run('LAUNCH_MEASURE', { handle, address: 0x500000n, len: 0n });
    expect(new DataView(short.buffer.buffer).getUint32(0x10, true)).toBe(48); // length written back
    expect(h.status('LAUNCH_MEASURE', { handle, address: 0x500000n, len: 48n })).toBe(S.SUCCESS);
    expect(h.status('LAUNCH_UPDATE_DATA', { handle, address: 0x200000n, len: 0x10n })).toBe(S.INVALID_GUEST_STATE);
    expect(h.status('LAUNCH_MEASURE', { handle, address: 0x500000n, len: 48n })).toBe(S.INVALID_GUEST_STATE);
    // LAUNCH_SECRET checks lengths before the guest state (sev_mcmd_launch_secret).
    expect(h.status('LAUNCH_SECRET', { handle, hdr_len: 0x30n, guest_address: 0x600000n, guest_len: 0x10n, trans_len: 0x10n })).toBe(S.INVALID_LENGTH);
    expect(h.status('LAUNCH_SECRET', { handle, hdr_len: 0x34n, guest_address: 0x600008n, guest_len: 0x10n, trans_len: 0x10n })).toBe(S.INVALID_ADDRESS);
    expect(h.status('LAUNCH_SECRET', { handle, hdr_len: 0x34n, guest_address: 0x600000n, guest_len: 0x10n, trans_len: 0x20n })).toBe(S.INVALID_LENGTH);
    expect(h.status('LAUNCH_SECRET', { handle, hdr_len: 0x34n, guest_address: 0x600000n, guest_len: 0x10n, trans_len: 0x10n, hdr_address: 0x610000n, trans_address: 0x620000n })).toBe(S.SUCCESS);
    expect(h.status('LAUNCH_FINISH', { handle })).toBe(S.SUCCESS);
    expect(h.status('LAUNCH_FINISH', { handle })).toBe(S.INVALID_GUEST_STATE);
    expect(h.status('SEND_START', { handle })).toBe(S.SUCCESS);
    expect(h.status('SEND_FINISH', { handle })).toBe(S.SUCCESS);
    // DEACTIVATE works in SENT, ACTIVATE does not (activate_common).
    expect(h.status('DEACTIVATE', { handle })).toBe(S.SUCCESS);
    expect(h.status('ACTIVATE', { handle, asid: 6n })).toBe(S.INVALID_GUEST_STATE);
    expect(h.status('DECOMMISSION', { handle })).toBe(S.SUCCESS);
    expect(h.fw.platform).toBe('INIT');
    expect(h.status('GUEST_STATUS', { handle })).toBe(S.SUCCESS); // unknown handle: state 0, not an error
    expect(h.status('DECOMMISSION', { handle: 9n })).toBe(S.INVALID_PLATFORM_STATE);
  });

  it('checks buffers: alignment, lengths, reserved fields, addresses', () => {
    const h = new Host();
    expect(h.status('INIT', { flags: 2n })).toBe(S.INVALID_CONFIG);
    expect(h.status('INIT', { reserved_0x4: 1n })).toBe(S.INVALID_CONFIG);
    expect(h.status('INIT', { flags: 1n, tmr_address: 0x1080000n, tmr_len: 0x100000n })).toBe(S.INVALID_ADDRESS);
    expect(h.status('INIT', { flags: 1n, tmr_address: 0x1000000n, tmr_len: 0x80000n })).toBe(S.INVALID_LENGTH);
    expect(h.status('INIT_EX', { length: 0x20n })).toBe(S.INVALID_LENGTH);
    expect(h.status('INIT_EX', { length: 0x24n, nv_address: 0x7000800n, nv_len: 0x8000n })).toBe(S.INVALID_ADDRESS);
    expect(h.status('INIT_EX', { length: 0x24n, nv_address: 0x7000000n, nv_len: 0x1000n })).toBe(S.INVALID_LENGTH);
    expect(h.fw.platform).toBe('UNINIT');
    expect(h.status('INIT_EX', { length: 0x24n, nv_address: 0x7000000n, nv_len: 0x8000n })).toBe(S.SUCCESS);
    h.fw.wbinvd();
    expect(h.status('DF_FLUSH')).toBe(S.SUCCESS);
    const handle = BigInt(h.start(0x1n));
    expect(h.status('ACTIVATE', { handle, asid: 5n })).toBe(S.SUCCESS);
    expect(h.status('LAUNCH_UPDATE_DATA', { handle, address: 0x200008n, len: 0x10n })).toBe(S.INVALID_ADDRESS);
    expect(h.status('LAUNCH_UPDATE_DATA', { handle, address: 0x200000n, len: 0x18n })).toBe(S.INVALID_LENGTH);
    expect(h.status('LAUNCH_UPDATE_DATA', { handle, address: 0x200000n, len: 0n })).toBe(S.INVALID_LENGTH);
    expect(h.status('LAUNCH_UPDATE_DATA', { handle, address: 0xa0000n, len: 0x1000n })).toBe(S.INVALID_ADDRESS); // ASEG
    expect(h.status('LAUNCH_UPDATE_DATA', { handle, address: 0x3ffd00000000n, len: 0x10n })).toBe(S.INVALID_ADDRESS); // above the max
    expect(h.status('LAUNCH_UPDATE_DATA', { handle, address: (1n << 51n) | 0x200000n, len: 0x10n })).toBe(S.SUCCESS); // C-bit ignored
    expect(h.status('LAUNCH_UPDATE_DATA', { handle: 77n, address: 0x200000n, len: 0x10n })).toBe(S.INVALID_GUEST);
    expect(h.status('LAUNCH_START', { policy: 1n, dh_cert_address: 0x400000n, dh_cert_len: 0x800n, session_address: 0x401000n, session_len: 0x80n })).toBe(S.INVALID_LENGTH);
    expect(h.status('LAUNCH_START', { policy: 1n, dh_cert_address: 0x400000n, dh_cert_len: 0x824n, session_address: 0x401000n, session_len: 0x70n })).toBe(S.INVALID_LENGTH);
    expect(h.status('LAUNCH_START', { policy: 0x4n })).toBe(S.UNSUPPORTED); // ES policy, platform INIT without SEV_ES
    expect(h.status('LAUNCH_START', { handle, policy: 0x1n })).toBe(S.SUCCESS); // key sharing allowed: NOKS clear, same policy
    const refused = h.run('LAUNCH_START', { handle, policy: 0x3n });
    expect(refused.status).toBe(S.POLICY_FAILURE);
    // LAUNCH_START's buffer is written back on success only (sev_dispatch.c CMD_BUF_INPUT_AND_OUTPUT).
    expect(Buffer.from(refused.buffer).equals(Buffer.from(buf('sev_data_launch_start', { handle, policy: 0x3n })))).toBe(true);
    expect(h.status('LAUNCH_START', { handle: 99n, policy: 0x1n })).toBe(S.INVALID_GUEST);
    expect(h.fw.execute(0x3ff, new Uint8Array(0)).status).toBe(S.INVALID_COMMAND);
  });
});

describe('ASIDs, WBINVD and DF_FLUSH', () => {
  it('needs WBINVD before DF_FLUSH and DF_FLUSH before the first ACTIVATE', () => {
    const h = new Host();
    expect(h.status('INIT')).toBe(S.SUCCESS);
    const handle = BigInt(h.start(0x1n));
    expect(h.status('ACTIVATE', { handle, asid: 5n })).toBe(S.DFFLUSH_REQUIRED);
    expect(h.status('DF_FLUSH')).toBe(S.WBINVD_REQUIRED);
    h.fw.wbinvd();
    expect(h.status('DF_FLUSH')).toBe(S.SUCCESS);
    expect(h.status('ACTIVATE', { handle, asid: 5n })).toBe(S.SUCCESS);
  });

  it('checks the ASID range, ownership and the SEV-ES / SEV split', () => {
    const h = new Host({ maxAsid: 15, minSevAsid: 5 });
    h.ready(true);
    const es = BigInt(h.start(0x5n));
    const sev = BigInt(h.start(0x1n));
    expect(h.status('ACTIVATE', { handle: es, asid: 0n })).toBe(S.INVALID_ASID);
    expect(h.status('ACTIVATE', { handle: es, asid: 16n })).toBe(S.INVALID_ASID);
    expect(h.status('ACTIVATE', { handle: es, asid: 5n })).toBe(S.INVALID_ASID); // ES guests below MIN_SEV_ASID
    expect(h.status('ACTIVATE', { handle: sev, asid: 4n })).toBe(S.INVALID_ASID); // SEV guests from MIN_SEV_ASID
    expect(h.status('ACTIVATE', { handle: es, asid: 4n })).toBe(S.SUCCESS);
    expect(h.status('ACTIVATE', { handle: es, asid: 3n })).toBe(S.ACTIVE);
    expect(h.status('ACTIVATE', { handle: sev, asid: 4n })).toBe(S.ASID_OWNED);
    expect(h.status('ACTIVATE', { handle: sev, asid: 9n })).toBe(S.SUCCESS);
    expect(h.status('DECOMMISSION', { handle: sev })).toBe(S.ACTIVE);
  });

  it('makes the ASID of a guest that ran dirty on DEACTIVATE, and of one that never ran clean', () => {
    const h = new Host();
    h.ready(false);
    const a = BigInt(h.start(0x1n));
    expect(h.status('ACTIVATE', { handle: a, asid: 5n })).toBe(S.SUCCESS);
    expect(h.status('LAUNCH_MEASURE', { handle: a, address: 0x500000n, len: 48n })).toBe(S.SUCCESS);
    expect(h.status('LAUNCH_FINISH', { handle: a })).toBe(S.SUCCESS);
    expect(h.status('DEACTIVATE', { handle: a })).toBe(S.SUCCESS);
    expect(h.status('DEACTIVATE', { handle: a })).toBe(S.INACTIVE);
    expect(h.fw.asids.get(5)).toBe('dirty');
    const b = BigInt(h.start(0x1n));
    expect(h.status('ACTIVATE', { handle: b, asid: 6n })).toBe(S.SUCCESS);
    expect(h.status('DEACTIVATE', { handle: b })).toBe(S.SUCCESS);
    expect(h.fw.asids.get(6)).toBe('clean');
    expect(h.status('ACTIVATE', { handle: b, asid: 5n })).toBe(S.DFFLUSH_REQUIRED);
    expect(h.status('DF_FLUSH')).toBe(S.SUCCESS); // WBINVD still done since INIT
    expect(h.status('ACTIVATE', { handle: b, asid: 5n })).toBe(S.SUCCESS);
  });
});

describe('host failures', () => {
  it('fails INIT with HWERROR_PLATFORM when memory encryption is off, and stays UNINIT', () => {
    const h = new Host({ memoryEncryption: false });
    expect(h.status('INIT')).toBe(S.HWERROR_PLATFORM);
    expect(h.status('INIT_EX', { length: 0x24n })).toBe(S.HWERROR_PLATFORM);
    expect(h.fw.platform).toBe('UNINIT');
    const st = h.run('PLATFORM_STATUS');
    expect(st.statusName).toBe('SUCCESS');
    expect(Array.from(st.buffer.subarray(0, 3))).toEqual([1, 52, 0]); // api 1.52, state UNINIT
    expect(h.status('SNP_INIT')).toBe(S.INVALID_CONFIG);
  });

  it('fails SNP_INIT with INVALID_CONFIG when SNP is not enabled in SYSCFG', () => {
    const h = new Host({ snpEnabled: false });
    expect(h.status('SNP_INIT')).toBe(S.INVALID_CONFIG);
    expect(h.fw.snpPlatform).toBe('UNINIT');
  });

  it('never answers a stalled command, nor anything after it', () => {
    const h = new Host({ stall: ['LAUNCH_MEASURE'] });
    h.ready(false);
    const handle = BigInt(h.start(0x1n));
    const r = h.run('LAUNCH_MEASURE', { handle, address: 0x500000n, len: 48n });
    expect(r.status).toBeNull();
    expect(h.run('PLATFORM_STATUS').status).toBeNull();
    expect(h.fw.snapshot().stalled).toBe(true);
  });

  it('refuses SNP_INIT after SEV INIT (SNP first) and SNP_SHUTDOWN while SEV is up', () => {
    const h = new Host();
    h.ready(false);
    expect(h.status('SNP_INIT')).toBe(S.INVALID_PLATFORM_STATE);
    const g = new Host();
    expect(g.status('SNP_INIT')).toBe(S.SUCCESS);
    expect(g.status('INIT')).toBe(S.SUCCESS);
    expect(g.status('SNP_SHUTDOWN')).toBe(S.INVALID_PLATFORM_STATE);
  });
});

describe('SNP launch', () => {
  const GCTX = 0x800000n;
  function snpHost() {
    const h = new Host();
    expect(h.status('SNP_INIT')).toBe(S.SUCCESS);
    h.fw.wbinvd();
    expect(h.status('SNP_DF_FLUSH')).toBe(S.SUCCESS);
    expect(h.status('SNP_GCTX_CREATE', { gctx_paddr: GCTX })).toBe(S.INVALID_PAGE_STATE);
    h.fw.rmpUpdate(GCTX, 'firmware');
    expect(h.status('SNP_GCTX_CREATE', { gctx_paddr: GCTX })).toBe(S.SUCCESS);
    return h;
  }

  // PAGE_INFO as 56860 lays it out (0x70 bytes), assembled here without the project's layout code.
  function pageInfo(cur: Buffer, contents: Buffer, type: number, gpa: bigint): Buffer {
    const b = Buffer.alloc(0x70);
    cur.copy(b, 0x00);
    contents.copy(b, 0x30);
    b.writeUInt16LE(0x70, 0x60);
    b.writeUInt8(type, 0x62);
    b.writeBigUInt64LE(gpa, 0x68);
    return b;
  }

  it('chains SHA-384 over PAGE_INFO for NORMAL, ZERO and VMSA pages', () => {
    const h = snpHost();
    expect(h.status('SNP_LAUNCH_START', { gctx_paddr: GCTX, policy: 0x30000n })).toBe(S.SUCCESS);
    expect(h.status('SNP_ACTIVATE', { gctx_paddr: GCTX, asid: 1n })).toBe(S.SUCCESS);
    const page = Buffer.alloc(4096);
    for (let i = 0; i < 4096; i++) page[i] = i & 0xff;
    const vmsa = Buffer.alloc(4096, 0x33);
    vmsa.writeBigUInt64LE(0x1234n, 0x2f0); // GUEST_TSC_SCALE and GUEST_TSC_OFFSET: measured as zero
    vmsa.writeBigUInt64LE(0x5678n, 0x2f8);
    h.fw.memory.write(0x900000n, page);
    h.fw.memory.write(0x902000n, vmsa);
    h.fw.rmpUpdate(0x900000n, 'pre_guest', 1, 0x1000n);
    h.fw.rmpUpdate(0x901000n, 'pre_guest', 1, 0x2000n);
    h.fw.rmpUpdate(0x902000n, 'pre_guest', 1, 0xfffffffff000n);
    // flags: PAGE_TYPE in bits 3:1 (NORMAL 1, VMSA 2, ZERO 3)
    expect(h.status('SNP_LAUNCH_UPDATE', { gctx_paddr: GCTX, address: 0x900000n, flags: 1n << 1n })).toBe(S.SUCCESS);
    expect(h.status('SNP_LAUNCH_UPDATE', { gctx_paddr: GCTX, address: 0x901000n, flags: 3n << 1n })).toBe(S.SUCCESS);
    expect(h.status('SNP_LAUNCH_UPDATE', { gctx_paddr: GCTX, address: 0x902000n, flags: 2n << 1n })).toBe(S.SUCCESS);
    const r = h.run('SNP_LAUNCH_FINISH', { gctx_paddr: GCTX });
    expect(r.statusName).toBe('SUCCESS');
    const sha384 = (b: Buffer) => createHash('sha384').update(b).digest();
    let ld = Buffer.alloc(48);
    ld = sha384(pageInfo(ld, sha384(page), 1, 0x1000n));
    ld = sha384(pageInfo(ld, Buffer.alloc(48), 3, 0x2000n));
    const vm = Buffer.from(vmsa);
    vm.fill(0, 0x2f0, 0x300);
    ld = sha384(pageInfo(ld, sha384(vm), 2, 0xfffffffff000n));
    expect(r.measurement).toBe(ld.toString('hex'));
    expect(h.fw.snapshot().snpGuests[0]!.state).toBe('RUNNING');
  });

  it('refuses pages in the wrong RMP state, owner or size, and commands in the wrong guest state', () => {
    const h = snpHost();
    expect(h.status('SNP_LAUNCH_UPDATE', { gctx_paddr: GCTX, address: 0x900000n, flags: 2n })).toBe(S.INVALID_GUEST_STATE);
    expect(h.status('SNP_ACTIVATE', { gctx_paddr: GCTX, asid: 1n })).toBe(S.INVALID_GUEST_STATE);
    expect(h.status('SNP_LAUNCH_START', { gctx_paddr: GCTX })).toBe(S.SUCCESS);
    expect(h.status('SNP_LAUNCH_START', { gctx_paddr: GCTX })).toBe(S.INVALID_GUEST_STATE);
    expect(h.status('SNP_LAUNCH_UPDATE', { gctx_paddr: GCTX, address: 0x900000n, flags: 2n })).toBe(S.INVALID_PAGE_STATE);
    h.fw.rmpUpdate(0x900000n, 'pre_guest', 2);
    expect(h.status('SNP_LAUNCH_UPDATE', { gctx_paddr: GCTX, address: 0x900000n, flags: 2n })).toBe(S.INACTIVE);
    expect(h.status('SNP_ACTIVATE', { gctx_paddr: GCTX, asid: 1n })).toBe(S.SUCCESS);
    expect(h.status('SNP_LAUNCH_UPDATE', { gctx_paddr: GCTX, address: 0x900000n, flags: 2n })).toBe(S.INVALID_PAGE_OWNER);
    h.fw.rmpUpdate(0x900000n, 'pre_guest', 1);
    expect(h.status('SNP_LAUNCH_UPDATE', { gctx_paddr: GCTX, address: 0x900000n, flags: 3n })).toBe(S.INVALID_PAGE_SIZE);
    expect(h.status('SNP_LAUNCH_UPDATE', { gctx_paddr: GCTX, address: 0x900000n, flags: 2n, reserved_0xc: 1n })).toBe(S.INVALID_PARAM);
    expect(h.status('SNP_LAUNCH_UPDATE', { gctx_paddr: 0x801000n, address: 0x900000n, flags: 2n })).toBe(S.INVALID_GUEST);
    expect(h.status('SNP_DECOMMISSION', { gctx_paddr: GCTX })).toBe(S.SUCCESS);
    expect(h.status('SNP_LAUNCH_FINISH', { gctx_paddr: GCTX })).toBe(S.INVALID_GUEST);
    expect(h.status('SNP_SHUTDOWN')).toBe(S.DFFLUSH_REQUIRED);
    expect(h.status('SNP_DF_FLUSH')).toBe(S.SUCCESS);
    expect(h.status('SNP_SHUTDOWN')).toBe(S.SUCCESS);
    expect(h.fw.snpPlatform).toBe('UNINIT');
  });
});

describe('random command sequences', () => {
  // A small deterministic PRNG (mulberry32), so failures reproduce.
  function rng(seed: number) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let x = a;
      x = Math.imul(x ^ (x >>> 15), x | 1);
      x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('keep the invariants over 1500 sequences of 40 commands', () => {
    let commands = 0;
    const seen = new Set<string>();
    for (let seed = 1; seed <= 1500; seed++) {
      const r = rng(seed);
      const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
      const h = new Host({ maxAsid: 8, minSevAsid: 4 });
      h.fw.memory.write(0x200000n, Buffer.alloc(0x1000, seed & 0xff));
      for (let i = 0; i < 40; i++) {
        const handle = BigInt(pick([0, 1, 2, 3]));
        const steps: [string, Record<string, bigint>][] = [
          ['INIT', { flags: pick([0n, 1n]), tmr_address: 0x1000000n, tmr_len: 0x100000n }],
          ['SHUTDOWN', {}], ['DF_FLUSH', {}], ['PLATFORM_STATUS', {}],
          ['LAUNCH_START', { policy: pick([0n, 1n, 3n, 4n, 5n]), handle: pick([0n, 0n, handle]) }],
          ['ACTIVATE', { handle, asid: BigInt(pick([0, 1, 2, 4, 5, 8, 9])) }],
          ['DEACTIVATE', { handle }], ['DECOMMISSION', { handle }],
          ['LAUNCH_UPDATE_DATA', { handle, address: pick([0x200000n, 0x200008n]), len: pick([0x10n, 0x1000n, 0x18n]) }],
          ['LAUNCH_UPDATE_VMSA', { handle, address: 0x200000n, len: 0x1000n }],
          ['LAUNCH_MEASURE', { handle, address: 0x500000n, len: pick([48n, 16n]) }],
          ['LAUNCH_SECRET', { handle, hdr_len: 0x34n, guest_address: 0x600000n, guest_len: 0x10n, trans_len: 0x10n, hdr_address: 0x610000n, trans_address: 0x620000n }],
          ['LAUNCH_FINISH', { handle }], ['GUEST_STATUS', { handle }],
          ['SEND_START', { handle }], ['SEND_FINISH', { handle }], ['SEND_CANCEL', { handle }],
          ['RECEIVE_START', { policy: pick([1n, 5n]) }], ['RECEIVE_FINISH', { handle }],
        ];
        if (r() < 0.1) {
          h.fw.wbinvd();
          continue;
        }
        // Half the time, what a driver would do next; otherwise any command.
        const guided = (): [string, Record<string, bigint>] | null => {
          const snap = h.fw.snapshot();
          if (snap.platform === 'UNINIT') return ['INIT', { flags: 1n, tmr_address: 0x1000000n, tmr_len: 0x100000n }];
          const g = pick(snap.guests.length > 0 ? snap.guests : [null]);
          if (g === null) return ['LAUNCH_START', { policy: pick([1n, 5n]) }];
          const gh = BigInt(g.handle);
          const asid = BigInt(g.policy & 4 ? 1 + Math.floor(r() * 3) : 4 + Math.floor(r() * 5));
          if (g.asid === 0 && g.state !== 'SENT' && r() < 0.7) return ['ACTIVATE', { handle: gh, asid }];
          switch (g.state) {
            case 'LUPDATE': return pick([['LAUNCH_UPDATE_DATA', { handle: gh, address: 0x200000n, len: 0x1000n }], ['LAUNCH_UPDATE_VMSA', { handle: gh, address: 0x200000n, len: 0x1000n }], ['LAUNCH_MEASURE', { handle: gh, address: 0x500000n, len: 48n }]] as [string, Record<string, bigint>][]);
            case 'LSECRET': return pick([['LAUNCH_SECRET', { ...steps[11]![1], handle: gh }], ['LAUNCH_FINISH', { handle: gh }]] as [string, Record<string, bigint>][]);
            case 'RUNNING': return pick([['SEND_START', { handle: gh }], ['DEACTIVATE', { handle: gh }]] as [string, Record<string, bigint>][]);
            case 'RUPDATE': return ['RECEIVE_FINISH', { handle: gh }];
            case 'SUPDATE': return pick([['SEND_FINISH', { handle: gh }], ['SEND_CANCEL', { handle: gh }]] as [string, Record<string, bigint>][]);
            default: return pick([['DEACTIVATE', { handle: gh }], ['DECOMMISSION', { handle: gh }], ['DF_FLUSH', {}]] as [string, Record<string, bigint>][]);
          }
        };
        const [name, fields] = (r() < 0.5 ? guided() : null) ?? pick(steps);
        const before = JSON.stringify(h.fw.snapshot());
        const res = h.run(name, fields);
        commands++;
        const c = t.byName.get(name)!;
        const allowed = new Set(['SUCCESS', c.platformStatus, c.guestStatus, ...c.checks.map((k) => k.status)]);
        expect(allowed.has(res.statusName!), `${name} returned ${res.statusName} (seed ${seed}, step ${i})`).toBe(true);
        seen.add(`${name}:${res.statusName}`);
        const snap = h.fw.snapshot();
        if (res.statusName !== 'SUCCESS') expect(JSON.stringify(snap), `${name} failed with ${res.statusName} yet changed state`).toBe(before);
        // WORKING exactly when a guest exists; UNINIT has no guests and no ASIDs in use.
        expect(snap.platform === 'WORKING').toBe(snap.guests.length > 0);
        const asids = snap.guests.filter((g) => g.asid !== 0).map((g) => g.asid);
        expect(new Set(asids).size).toBe(asids.length);
        for (const g of snap.guests) {
          if (g.asid !== 0) expect(['allocated', 'in_use']).toContain(snap.asids[g.asid]);
          if (g.asid !== 0) expect(g.policy & 4 ? g.asid < 4 : g.asid >= 4).toBe(true);
        }
        for (const [a, st] of Object.entries(snap.asids)) {
          if (st === 'in_use' || st === 'allocated') expect(asids).toContain(Number(a));
        }
      }
    }
    expect(commands).toBeGreaterThan(50000);
    // The sequences reach the whole launch flow, not only refusals.
        for (const k of ['LAUNCH_UPDATE_DATA:SUCCESS', 'LAUNCH_UPDATE_VMSA:SUCCESS', 'LAUNCH_SECRET:SUCCESS', 'LAUNCH_FINISH:SUCCESS', 'LAUNCH_MEASURE:SUCCESS', 'SEND_FINISH:SUCCESS', 'SEND_CANCEL:SUCCESS', 'RECEIVE_START:SUCCESS', 'RECEIVE_FINISH:SUCCESS', 'ACTIVATE:DFFLUSH_REQUIRED', 'DF_FLUSH:WBINVD_REQUIRED', 'DECOMMISSION:ACTIVE']) expect(seen).toContain(k);
  });
});

describe('line protocol', () => {
  it('answers mailbox commands with status and buffer, and serves host memory', () => {
    const s = new FirmwareServer();
    expect(s.handle('cmd 1 ' + '00'.repeat(20))).toBe('ok 0 ' + '00'.repeat(20));
    // PLATFORM_STATUS: api_major 1, api_minor 0x34 (52), state 1 (INIT), flags 0 at 0x3, build 4 at 0x7, guest_count 0.
    expect(s.handle('cmd 4 ' + '00'.repeat(12))).toBe('ok 0 01340100000000' + '04' + '00000000');
    expect(s.handle('cmd 0xa')).toBe('ok e ');
    expect(s.handle('wbinvd')).toBe('ok');
    expect(s.handle('cmd a')).toBe('ok 0 ');
    expect(s.handle('mem 0x1000 a1b2')).toBe('ok');
    expect(s.handle('read 0x1000 3')).toBe('ok a1b200');
    expect(s.handle('cmd 3ff')).toBe('ok 11 ');
    expect(s.handle('frob')).toMatch(/^err unknown request/);
    expect(s.handle('cmd zz 00')).toMatch(/^err cmd/);
    expect(JSON.parse(s.handle('state').slice(3)).platform).toBe('INIT');
    // The mailbox way: the buffer at an address (PLATFORM_STATUS written back there).
    expect(s.handle('mbox 4 0x2000')).toBe('ok 0');
    expect(s.handle('read 0x2000 c')).toBe('ok 013401000000000400000000');
    expect(s.handle('host memory_encryption=off stall=DF_FLUSH')).toBe('ok');
    expect(s.handle('host memory_encryption=maybe')).toMatch(/^err host: memory_encryption: 'maybe' is not on or off/);
    expect(s.handle('reset')).toBe('ok');
    expect(s.handle('cmd 1 ' + '00'.repeat(20))).toBe('ok 13 ' + '00'.repeat(20)); // host configuration survives reset
    expect(s.handle('mbox a 0')).toBe('ok stall');
    expect(s.handle('cmd 4 ' + '00'.repeat(12))).toMatch(/^ok stall /); // nothing answers after a stall
    expect(s.handle('reset')).toBe('ok');
    expect(JSON.parse(s.handle('state').slice(3))).toMatchObject({ platform: 'UNINIT', stalled: false });
  });
});
