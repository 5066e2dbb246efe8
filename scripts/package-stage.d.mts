// Types for the TypeScript tests of scripts/package-stage.mjs.
export declare interface IgnoreRules {
  ignore: string[];
  negate: string[];
}
export declare function ignoreRules(file: string): Promise<IgnoreRules>;
export declare function leftOutWhole(rules: IgnoreRules, folder: string): boolean;
export declare function stageRepository(root: string, stage: string, ignoreFile: string): Promise<void>;
