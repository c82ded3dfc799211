// What a driver script (run inside code-server's extension host by
// test/support/driver/extension.js) receives, and what it reports back.
// Type-only import: the host hands the script its `vscode` module, so the
// compiled script never requires 'vscode' itself.
import type * as vscodeApi from 'vscode';

export type VSCode = typeof vscodeApi;
export type Step = (name: string, data?: Record<string, unknown>) => void;
/** A driver script's one export: `export const run: DriverScript = async (vscode, step) => { ... }`. */
export type DriverScript = (vscode: VSCode, step: Step) => Promise<void>;

export type ReportStep = Record<string, unknown> & { name: string; at: number };
export interface Report { steps: ReportStep[] }

/** Polls fn until it returns something truthy; how long that took. */
export async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, everyMs = 50): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return { value: v, ms: Date.now() - t0 };
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Hover contents as plain text (markdown source). */
export function hoverText(hovers: vscodeApi.Hover[] | undefined): string {
  return (hovers ?? []).flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
}
