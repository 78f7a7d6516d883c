// Strict base64 (RFC 4648 section 4, padded, no whitespace): the decoded size of
// a blob, or null when the text is not base64. The generated libxl C applies the
// same definition, so the two checkers agree on every string.

const ALPHABET = /^[A-Za-z0-9+/]*$/;

export function base64DecodedLength(s: string): number | null {
  if (s.length % 4 !== 0) return null;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  if (!ALPHABET.test(s.slice(0, s.length - pad))) return null;
  return (s.length / 4) * 3 - pad;
}
