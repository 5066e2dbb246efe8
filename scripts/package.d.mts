// Types of package.mjs for the TypeScript tests that call it.
export declare const TARGETS: Record<string, string[]>;
export declare function bindingFolder(target: string): string;
export declare function vsixPath(outDir: string, target: string): string;
export declare function listTarget(target: string): Promise<string[]>;
export declare function packageTargets(options?: { targets?: string[]; outDir?: string; baseUrl?: string; log?: (line: string) => void }): Promise<string[]>;
export declare function withTargetStage<T>(target: string, use: (stage: string) => Promise<T>): Promise<T>;
