// Message templates of the coco rule set (schema/coco-config.ts) filled with
// values. The C emitter turns the same templates into printf formats, so a
// message reads the same whichever checker prints it.

const PLACEHOLDER = /\{([a-zA-Z]+)\}/g;

export function fillMessage(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`message template "${template}" needs {${name}}`);
    return v;
  });
}

/** Blob values are cut in messages: a 4096-byte ID auth would drown the reason. */
export const QUOTE_LIMIT = 20;
export const QUOTE_KEEP = 16;

export function quoteValue(s: string): string {
  return s.length > QUOTE_LIMIT ? `"${s.slice(0, QUOTE_KEEP)}..."` : `"${s}"`;
}

export function hexValue(v: bigint): string {
  return `0x${v.toString(16)}`;
}
