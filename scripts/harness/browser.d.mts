// Types for browser.mjs (used from test/e2e/*.ts).
export const CHROMIUM_FLAGS: string[];
export function launchChromium(opts?: { extraArgs?: string[] }): Promise<import('playwright-core').Browser>;
