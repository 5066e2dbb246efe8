// Which onnxruntime execution provider runs the model. `auto` tries the platform's accelerator and
// falls back to the CPU when it cannot start: onnxruntime-node does not fall back by itself (measured
// with 1.23 on Linux without a GPU, ['cuda'] and ['cuda', 'cpu'] both throw "Failed to load shared
// library"), so each candidate gets its own attempt and the one that opened is said.
import * as ort from 'onnxruntime-node';

import type { ExecutionProvider } from './types';

/** The providers to try in order: auto is the platform's accelerator, then the CPU. */
export function providerCandidates(choice: ExecutionProvider, platform: NodeJS.Platform = process.platform): string[] {
  if (choice !== 'auto') return [choice];
  const accelerator = { linux: 'cuda', win32: 'dml', darwin: 'coreml' }[platform as string];
  return accelerator ? [accelerator, 'cpu'] : ['cpu'];
}

/** A library that is not there, or a device that is not: what `auto` falls back from. */
const UNAVAILABLE = /Failed to load shared library|not (supported|available|enabled)|no (CUDA|GPU|device)|CUDA.*(error|fail)|unknown provider|backend not found/i;

export interface OpenedSession {
  session: ort.InferenceSession;
  provider: string; // the one that runs it
  passedOver: string[]; // the candidates before it that could not start, and why
}

/**
 * Opens the graph on the first candidate that starts. Resolves with the session and the provider
 * that runs it; with one candidate, its failure is the answer (said with what to do).
 */
export async function openSession(graph: Uint8Array, options: ort.InferenceSession.SessionOptions, candidates: readonly string[]): Promise<OpenedSession> {
  const failures: string[] = [];
  for (const provider of candidates) {
    try {
      const session = await ort.InferenceSession.create(graph, { ...options, executionProviders: [provider] });
      return { session, provider, passedOver: failures };
    } catch (error) {
      const message = (error as Error).message;
      if (candidates.length === 1 || !UNAVAILABLE.test(message)) throw explained(provider, message);
      failures.push(`${provider}: ${message.split('\n')[0]}`);
    }
  }
  throw new Error(`no execution provider could start (${failures.join('; ')})`);
}

function explained(provider: string, message: string): Error {
  if (provider === 'cpu' || !UNAVAILABLE.test(message)) return new Error(message);
  return new Error(`the ${provider} execution provider cannot start here (${message.split('\n')[0]}); choose auto or cpu, or install its libraries (see the README)`);
}
