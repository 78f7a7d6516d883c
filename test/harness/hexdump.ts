// `hexdump -C` style dumps (runs of identical lines collapsed to "*"), which
// `xen-sev ghcb decode` reads back: a failing case can be replayed by hand.
export function hexdumpC(bytes: Uint8Array): string {
  const lines: string[] = [];
  let prev: string | null = null;
  let starred = false;
  for (let at = 0; at < bytes.length; at += 16) {
    const row = bytes.subarray(at, Math.min(at + 16, bytes.length));
    const key = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    if (key === prev && row.length === 16) {
      if (!starred) lines.push('*');
      starred = true;
      continue;
    }
    prev = key;
    starred = false;
    const hex = Array.from(row, (b, i) => b.toString(16).padStart(2, '0') + (i === 7 ? ' ' : '')).join(' ');
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(8, '0')}  ${hex.padEnd(49)} |${ascii}|`);
  }
  lines.push(bytes.length.toString(16).padStart(8, '0'));
  return lines.join('\n');
}
