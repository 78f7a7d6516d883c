// Types of scripts/build-cli.mjs for the TypeScript code that imports it.
export declare const ROOT: string;
export declare const BUILD_DIR: string;
export declare const CLI_DIR: string;
export declare function buildCli(opts?: { quiet?: boolean }): Promise<string>;
export declare function isFresh(root?: string, cliDir?: string): boolean;
