// Types for generatedWorkspaces.mjs (used from test/integration/*.ts).
export const SCALE_CONFIG_COUNT: number;
export const PARAMS_FILE: string;
export const LABELLED_CONFIG: string;
export function scaleConfigWithFindings(i: number): number;
export function writeScaleConfigs(dir: string, count?: number): number;
export function labelledConfigText(labels: number): string;
export function writeRestrictedWorkspace(ws: string): void;
