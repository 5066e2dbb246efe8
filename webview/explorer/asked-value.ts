// A setting the page asks the host to change, shown at once, before the host's answer comes back. A control
// drawn only from the host's value jumps back during the round trip, and a key held down on the temperature
// slider then starts each step from the old value again (ten fast presses moved it two steps).

import { useEffect, useState } from 'preact/hooks';

/**
 * The value to show and the way to ask for one. The values asked and not yet answered are kept in order; the
 * host's value settles them: one of ours drops it and those asked before it, any other value (another writer:
 * a command, settings.json, the lesson) drops them all, so the last writer still wins on screen too.
 */
export function useAskedValue(confirmed: number): [shown: number, ask: (value: number) => void] {
  const [asked, setAsked] = useState<number[]>([]);
  useEffect(() => {
    setAsked((pending) => {
      const answered = pending.indexOf(confirmed);
      return answered === -1 ? [] : pending.slice(answered + 1);
    });
  }, [confirmed]);
  const ask = (value: number) => setAsked((pending) => (pending.length === 0 && value === confirmed ? pending : [...pending, value]));
  return [asked.at(-1) ?? confirmed, ask];
}
