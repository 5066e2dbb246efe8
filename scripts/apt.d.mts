// Types of apt.mjs for the TypeScript tests that call it.
export declare function canApt(): boolean;
export declare function aptInstall(packages: string[]): void;
