// Types for packageVsix.mjs (used from test/e2e/*.ts).
export function packageVsix(extensionDir?: string): string;
