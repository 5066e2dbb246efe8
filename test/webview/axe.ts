// axe-core (the engine behind Lighthouse's accessibility audit) run inside a page or a frame: the
// headless-Chromium tests call it on every panel in every theme, and test/e2e can call it on a webview
// frame inside code-server. Every rule runs (best practices too); any violation of any impact fails.

import { readFileSync } from 'node:fs';
import type { Frame, Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface Finding {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string; html: string; summary: string }[];
}

/**
 * Fails with every violation's rule id, impact, and each node's target and html. `context` names
 * what was checked (e.g. "Tokens tab, hc-light"), so the message says where to look.
 */
export async function expectNoViolations(target: Page | Frame, context: string): Promise<void> {
  const findings = await axeViolations(target);
  if (findings.length === 0) return;
  const lines = findings.flatMap((finding) => [
    `${finding.id} (${finding.impact}): ${finding.help} — ${finding.nodes.length} node(s)`,
    ...finding.nodes.map((node) => `    ${node.target}  ${node.html}\n      ${node.summary.replace(/\n/g, '\n      ')}`),
  ]);
  throw new Error(`axe-core found ${findings.length} violation(s) in ${context}:\n${lines.join('\n')}`);
}

/** axe's violations for the whole document of `target`. */
export async function axeViolations(target: Page | Frame): Promise<Finding[]> {
  await injectAxe(target);
  return target.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeResult[] }> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({ target: node.target.join(' '), html: node.html, summary: node.failureSummary ?? '' })),
    }));
  });
}

interface AxeResult {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string; failureSummary?: string }[];
}

/**
 * The webview's CSP lets only scripts carrying the page's nonce run, so a <script> added by the test
 * would be refused (and reported as a violation). Playwright's evaluate runs outside the page's CSP,
 * like VS Code's own preload; axe.min.js is a UMD bundle that sets window.axe when run as a script.
 */
async function injectAxe(target: Page | Frame): Promise<void> {
  if (await target.evaluate(() => 'axe' in window)) return;
  await target.evaluate(AXE_SOURCE);
}
