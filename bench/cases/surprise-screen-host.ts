// The extension-host half of the surprise-screen case (surprise-screen.ts bundles it and passes it as
// extensionTestsPath, as the integration suite is run): opens the plan's document and runs GPT-2: Show Token
// Surprise round after round, each time on, then off again with the same command (so each round scores the
// text again in the worker and paints it on an editor without decorations). The extension's own marks say when
// the score arrived and when its decorations were handed to the editor; each round goes to the console.
import * as vscode from 'vscode';
import { name, publisher } from '../../package.json';
import { MARKS, type MarkName } from '../../src/extension/common/marks';
import { SURPRISE_COMMANDS } from '../../src/extension/surprise/contributes';
import { PLAN_FILE, ROUND_LOG, type HostRound, type ScreenPlan } from './surprise-screen-plan';

const clock = () => performance.timeOrigin + performance.now();
const pause = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) throw new Error('surprise-screen: code-server opened no folder');
  const plan = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, PLAN_FILE)))) as ScreenPlan;
  const extension = vscode.extensions.getExtension(`${publisher}.${name}`);
  if (!extension) throw new Error(`surprise-screen: ${publisher}.${name} is not in this VS Code`);
  await extension.activate();
  const editor = await vscode.window.showTextDocument(vscode.Uri.joinPath(folder, plan.file));
  editor.selection = new vscode.Selection(0, 0, 0, 0); // nothing selected: the whole document is scored
  for (let round = 0; round < plan.rounds; round++) console.log(ROUND_LOG + JSON.stringify(await oneRound(round, plan)));
}

async function oneRound(round: number, plan: ScreenPlan): Promise<HostRound> {
  const askedAt = clock();
  if ((await vscode.commands.executeCommand<boolean>(SURPRISE_COMMANDS.toggle)) !== true) throw new Error(`surprise-screen: round ${round} painted nothing`);
  const reply = latest(MARKS.workerReply);
  const painted = latest(MARKS.surprisePainted);
  if ((reply.detail as { type?: string }).type !== 'score') throw new Error(`surprise-screen: the last reply before the paint answered ${JSON.stringify(reply.detail)}`);
  if (performance.timeOrigin + reply.startTime < askedAt) throw new Error(`surprise-screen: round ${round} left no mark of its own (the reply's is older than the command)`);
  await pause(plan.shownMs);
  const hiddenAt = clock();
  if ((await vscode.commands.executeCommand<boolean>(SURPRISE_COMMANDS.toggle)) !== false) throw new Error(`surprise-screen: round ${round} did not turn off`);
  await pause(plan.hiddenMs);
  const tokens = (painted.detail as { tokens: number }).tokens;
  return { round, askedAt, replyAt: performance.timeOrigin + reply.startTime, paintedAt: performance.timeOrigin + painted.startTime, hiddenAt, tokens, skew: Date.now() - clock() };
}

function latest(mark: MarkName): PerformanceMark {
  const found = performance.getEntriesByName(mark, 'mark').at(-1) as PerformanceMark | undefined;
  if (!found) throw new Error(`surprise-screen: the extension left no ${mark} mark`);
  return found;
}
