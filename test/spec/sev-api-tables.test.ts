// SEV API (55766) structures Linux does not define, pinned to AMD's own
// sev-tool, written down here from AMDESE/sev-tool src/sevapi.h (its
// "Appendix B.1" AMD_CERT, "Appendix C.1" SEV_CERT, "C.3" public keys,
// "C.4" signatures, SEV_SESSION_BUF, SEV_MEASURE_BUF, SEV_CERT_CHAIN_BUF;
// all packed; offsets follow from the field order and the sizes its macros
// give: RSA 4096 bits, ECDSA/ECDH components 576 bits).
import { describe, it } from 'vitest';
import { expectTable } from './tables.ts';

const RSA_BYTES = 4096 / 8; // SEV_RSA_PUBKEY_MAX_BITS, SEV_RSA_SIG_MAX_BITS
const EC_BYTES = 576 / 8; // SEV_ECDSA_PUBKEY_MAX_BITS, SEV_ECDSA_SIG_COMP_MAX_BITS
const PUBKEY = 4 + 2 * RSA_BYTES; // SEV_PUBKEY: the largest member, SEV_RSA_PUBKEY
const SIG = RSA_BYTES; // SEV_SIG: the largest member, SEV_RSA_SIG

describe('SEV certificates and keys (sev-tool sevapi.h)', () => {
  it('SEV_CERT', () => {
    expectTable('sev_cert', 0x824, [
      ['version', 0x000, 4],
      ['api_major', 0x004, 1],
      ['api_minor', 0x005, 1],
      ['reserved', 0x006, 2], // Reserved0, Reserved1
      ['pub_key_usage', 0x008, 4],
      ['pub_key_algo', 0x00c, 4],
      ['pub_key', 0x010, PUBKEY],
      ['sig1_usage', 0x010 + PUBKEY, 4],
      ['sig1_algo', 0x014 + PUBKEY, 4],
      ['sig1', 0x018 + PUBKEY, SIG],
      ['sig2_usage', 0x018 + PUBKEY + SIG, 4],
      ['sig2_algo', 0x01c + PUBKEY + SIG, 4],
      ['sig2', 0x020 + PUBKEY + SIG, SIG],
    ]);
  });

  it('SEV_CERT_CHAIN_BUF: PEK, OCA, CEK certificates', () => {
    expectTable('sev_cert_chain', 3 * 0x824, [
      ['pek_cert', 0, 0x824],
      ['oca_cert', 0x824, 0x824],
      ['cek_cert', 2 * 0x824, 0x824],
    ]);
  });

  it('public keys and signatures', () => {
    expectTable('sev_rsa_pub_key', PUBKEY, [
      ['modulus_size', 0, 4],
      ['pub_exp', 4, RSA_BYTES],
      ['modulus', 4 + RSA_BYTES, RSA_BYTES],
    ]);
    expectTable('sev_ecc_pub_key', PUBKEY, [
      ['curve', 0, 4],
      ['qx', 4, EC_BYTES],
      ['qy', 4 + EC_BYTES, EC_BYTES],
      ['reserved', 4 + 2 * EC_BYTES, PUBKEY - 2 * EC_BYTES - 4], // RMBZ
    ]);
    expectTable('sev_rsa_sig', SIG, [['s', 0, RSA_BYTES]]);
    expectTable('sev_ecdsa_sig', SIG, [
      ['r', 0, EC_BYTES],
      ['s', EC_BYTES, EC_BYTES],
      ['reserved', 2 * EC_BYTES, SIG - 2 * EC_BYTES], // RMBZ
    ]);
  });

  it('AMD_CERT header (ARK/ASK): version, key and certifying ids, usage, sizes', () => {
    expectTable('amd_cert_header', 0x40, [
      ['version', 0x00, 4],
      ['key_id', 0x04, 16], // KeyID0, KeyID1
      ['certifying_id', 0x14, 16], // CertifyingID0, CertifyingID1
      ['key_usage', 0x24, 4],
      ['reserved', 0x28, 16], // Reserved0, Reserved1
      ['pub_exp_size', 0x38, 4],
      ['modulus_size', 0x3c, 4],
    ]);
  });
});

describe('launch session and measurement buffers (sev-tool sevapi.h)', () => {
  it('SEV_SESSION_BUF: nonce, wrapped TEK/TIK, IV, two HMACs', () => {
    expectTable('sev_session_buf', 0x80, [
      ['nonce', 0x00, 16],
      ['wrap_tk', 0x10, 32], // TEKTIK: TEK, TIK (AES-128 each)
      ['wrap_iv', 0x30, 16],
      ['wrap_mac', 0x40, 32],
      ['policy_mac', 0x60, 32],
    ]);
  });

  it('SEV_MEASURE_BUF: measurement then mnonce', () => {
    expectTable('sev_measurement_buf', 0x30, [
      ['measurement', 0x00, 32],
      ['mnonce', 0x20, 16],
    ]);
  });
});
