// Types of install-code-server.mjs for the TypeScript tests that call it.
export declare const CODE_SERVER_VERSION: string;
export declare function codeServerBinary(dir: string): string;
export declare function isInstalled(dir: string): boolean;
export declare function installCodeServer(dir: string, log?: (line: string) => void): string;
