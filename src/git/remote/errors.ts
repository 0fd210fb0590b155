/**
 * Turns what git (or an HTTP client) said when talking to a remote failed into
 * one line a user can act on. git's own words are kept in the message: they
 * name the host, the URL or the hook that refused.
 */
import { TmtError } from '../../errors.js';
import { redactUrls } from './redact.js';

const AUTH = /Authentication failed|could not read (Username|Password)|terminal prompts disabled|Permission denied \(|HTTP Basic: Access denied|returned error: 40[13]|Invalid username or password|access denied/i;
const UNREACHABLE =
  /Could not resolve host|Connection refused|Connection timed out|Failed to connect|No route to host|does not appear to be a git repository|Could not read from remote repository|repository .* not found|unable to access|returned error: 404|Name or service not known|Network is unreachable|unable to connect|ssh: connect to host|not a git repository|No such file or directory|unable to find remote helper|strange (hostname|pathname) .* blocked/i;
const MISSING = /bad object|pack-objects died|missing (blob|tree|commit)|unable to read [0-9a-f]{40}|did not send all necessary objects|fatal: unable to find [0-9a-f]{40}|Could not read [0-9a-f]{40}/i;

/** Whether git failed here because objects are missing locally. */
export function missingHere(stderr: string): boolean {
  return MISSING.test(stderr.split('\n').filter((l) => !l.startsWith('remote:')).join('\n'));
}

/** The remote problem `stderr` describes, or undefined when it is none of the known ones. */
export function classifyRemoteFailure(stderr: string, remote: string): TmtError | undefined {
  // What the remote's hooks print ("remote: ...") is theirs, not git's verdict here.
  stderr = stderr.split('\n').filter((l) => !l.startsWith('remote:')).join('\n');
  const said = redactUrls(gitSaid(stderr));
  if (AUTH.test(stderr)) {
    return new TmtError('AUTH_FAILED', `${remote}: authentication failed (${said})`, {
      hint: `check the credentials git uses for it (credential helper, ssh key, or a token in the URL); git ls-remote ${remote} shows the same`,
    });
  }
  if (MISSING.test(stderr)) {
    return new TmtError('MISSING_OBJECTS', `objects are missing locally (${said})`, { hint: 'run git fsck to see which; fetch the runs again with tmt fetch' });
  }
  if (UNREACHABLE.test(stderr)) {
    return new TmtError('REMOTE_UNREACHABLE', `cannot reach ${remote} (${said})`, {
      hint: /[/:]/.test(remote)
        ? `check that ${remote} is a git repository you can reach; git ls-remote ${remote} shows the same`
        : `check the URL (git remote get-url ${remote}) and the network; git ls-remote ${remote} shows the same`,
    });
  }
  return undefined;
}

/** git's most telling line, without its "fatal:" prefix. */
export function gitSaid(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/\r.*$/, '').trim())
    .filter((l) => l && !/^(hint|remote: (Counting|Compressing|Enumerating|Total))/i.test(l));
  const best = lines.find((l) => /^fatal:/i.test(l)) ?? lines.find((l) => /^error:/i.test(l)) ?? lines[0] ?? 'no message';
  return best.replace(/^(fatal|error):\s*/i, '');
}
