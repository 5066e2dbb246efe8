// What the Restricted Mode test needs beyond the shared harness: a profile with workspace trust ON
// (makeProfile turns it off, right for every other test). The test starts code-server with
// CodeServer.start(..., { workspaceTrust: true }).

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeProfile, type Profile } from './code-server';

/** makeProfile's profile (the user's own model in modelPath), with workspace trust on and no start-up prompt. */
export function trustingProfile(dir: string, modelDir: string): Profile {
  const profile = makeProfile(dir, modelDir);
  for (const scope of ['User', 'Machine']) {
    const file = join(profile.userDataDir, scope, 'settings.json');
    const settings = JSON.parse(readFileSync(file, 'utf8'));
    settings['security.workspace.trust.enabled'] = true;
    settings['security.workspace.trust.startupPrompt'] = 'never'; // the folder opens untrusted, without the modal question
    settings['security.workspace.trust.banner'] = 'never'; // the status bar still says "Restricted Mode"
    writeFileSync(file, JSON.stringify(settings, null, 2));
  }
  return profile;
}
