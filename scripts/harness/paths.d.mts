// Types for paths.mjs, so TypeScript tests (test/e2e) can import the harness under the strict tsconfig.
export const ROOT: string;
export const CACHE: string;
export const CHROMIUM: string;
export function requireInstalled(): void;
export function run(cmd: string, args: string[], opts?: import('node:child_process').SpawnSyncOptions): void;
export function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs: number, intervalMs?: number): Promise<T>;
