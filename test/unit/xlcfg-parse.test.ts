// The xl.cfg parser against libxlu's grammar (tools/libs/util/libxlu_cfg_[ly].[ly]
// of Xen 4.17): quoting and escapes, numbers as text, lists, comments, `;`,
// `+=`, last assignment wins; errors carry file:line:col.
import { describe, expect, it } from 'vitest';
import { parseXlConfig, XlParseError } from '../../lib/xlcfg/parse.ts';
import { xlLong } from '../../lib/xlcfg/settings.ts';

const atom = (text: string, key: string) => {
  const v = parseXlConfig(text, 't.cfg').settings.get(key)?.value;
  if (v?.kind !== 'atom') throw new Error(`${key} is not an atom`);
  return v;
};

function parseError(text: string): XlParseError {
  try {
    parseXlConfig(text, 'bad.cfg');
  } catch (e) {
    if (e instanceof XlParseError) return e;
    throw e;
  }
  throw new Error('no parse error');
}

describe('xl.cfg parser', () => {
  it('reads strings in either quote with C escapes', () => {
    expect(atom(`a = "x\\"y"`, 'a').text).toBe('x"y');
    expect(atom(`a = 'it\\'s'`, 'a').text).toBe("it's");
    expect(atom(`a = "\\x41\\101\\n\\t"`, 'a').text).toBe('AA\n\t');
    expect(atom(`a = "sev-es"`, 'a').quoted).toBe(true);
  });

  it('keeps numbers as text, hex included', () => {
    const v = atom('coco_policy = 0x30000', 'coco_policy');
    expect(v).toMatchObject({ text: '0x30000', quoted: false });
  });

  it('reads lists over several lines with a trailing comma', () => {
    const cfg = parseXlConfig(`disk = [ 'a',\n  'b', # second\n ]\n`, 't.cfg');
    const v = cfg.settings.get('disk')!.value;
    expect(v.kind === 'list' && v.items.map((i) => (i.kind === 'atom' ? i.text : '?'))).toEqual(['a', 'b']);
  });

  it('takes comments, semicolons, += and the last assignment', () => {
    const cfg = parseXlConfig(`# comment\na = 1; b = "x" # trailing\nb += "y"\na = 2\nc = [1]\nc += [2]`, 't.cfg');
    expect((cfg.settings.get('a')!.value as { text: string }).text).toBe('2');
    expect((cfg.settings.get('b')!.value as { text: string }).text).toBe('xy');
    const c = cfg.settings.get('c')!.value;
    expect(c.kind === 'list' && c.items.length).toBe(2);
    expect(parseXlConfig('a = 1 # no newline at the end', 't.cfg').settings.size).toBe(1);
  });

  it('reports file:line:col', () => {
    expect(parseError('a = 1\nb = "open\n').message).toBe('bad.cfg:2:5: unterminated string (missing ")');
    expect(parseError('coco = sev\n').message).toMatch(/^bad\.cfg:1:8: expected a value, found 'sev' \(strings need quotes\)/);
    expect(parseError('x = (1)\n').message).toMatch(/^bad\.cfg:1:5: lexical error at '\('/);
    expect(parseError('\n\n  a 1\n').message).toMatch(/^bad\.cfg:3:5: expected '=' or '\+=' after a/);
    expect(parseError('a = [1 2]\n').message).toMatch(/^bad\.cfg:1:8: expected ',' or '\]'/);
    expect(parseError('A = 1\n').message).toMatch(/^bad\.cfg:1:1: lexical error at 'A'/);
  });
});

describe('numbers as xlu_cfg_get_long reads them (strtol, base 0)', () => {
  it.each([
    ['0x30000', 0x30000n],
    ['0X5', 5n],
    ['010', 8n],
    ['0', 0n],
    [' 47', 47n],
    ['-1', -1n],
    ['9223372036854775807', 9223372036854775807n],
  ])('%s is %s', (s, v) => expect(xlLong(s)).toBe(v));

  it.each(['08', '0x', '5 ', 'abc', '', '9223372036854775808', '1.5'])('%j is not a number', (s) => expect(xlLong(s)).toBeNull());
});
