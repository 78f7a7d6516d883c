// TypeScript spellings of the spec's snake_case names.

/** sw_exit_info_1 -> swExitInfo1, reserved_0x408 -> reserved0x408. */
export function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** ghcb_save_area -> GhcbSaveArea. */
export function pascal(name: string): string {
  const c = camel(name);
  return c.charAt(0).toUpperCase() + c.slice(1);
}
