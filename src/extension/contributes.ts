// The names activate() registers that package.json contributes (test/extension/activation.test.ts holds the two
// together), in the activation bundle: every gpt2Explorer command's id and the explorer panel's view type. The
// commands' handlers live in the explorer bundle (explorer-bundle.ts), required when a command first runs; each
// feature's handler table is typed by its list here, so a command added to one and not the other fails the type check.

import { SURPRISE_COMMANDS } from './surprise/contributes';

export const EXPLORER_COMMANDS = [
  'gpt2Explorer.openExplorer',
  'gpt2Explorer.analyzeSelection',
  'gpt2Explorer.analyzeText',
  'gpt2Explorer.compareWith',
  'gpt2Explorer.step',
  'gpt2Explorer.sample',
  'gpt2Explorer.reset',
  'gpt2Explorer.setTemperature',
  'gpt2Explorer.choosePreset',
  'gpt2Explorer.showWalkthrough',
  'gpt2Explorer.applyUi',
  'gpt2Explorer.saveAnalysis',
  'gpt2Explorer.openAnalysis',
] as const;

export const MODEL_COMMANDS = ['gpt2Explorer.downloadModel', 'gpt2Explorer.importModel', 'gpt2Explorer.setHuggingFaceToken', 'gpt2Explorer.chooseModel'] as const;

export const COMMANDS = [...EXPLORER_COMMANDS, ...MODEL_COMMANDS, SURPRISE_COMMANDS.toggle, SURPRISE_COMMANDS.hide] as const;

export type CommandId = (typeof COMMANDS)[number];

/** A command's handler: VS Code hands it the command's arguments and returns (awaits) what it gives back. */
export type CommandHandlers<Id extends string> = Record<Id, (...args: unknown[]) => unknown>;

/** The explorer panel's view type (explorer/panel.ts), whose restore activate() registers. */
export const EXPLORER_VIEW_TYPE = 'gpt2Explorer.explorer';
