import type { SnapshotResult } from '../../git/snapshot.js';
import { warn, type Output } from '../output.js';

/**
 * What a snapshot left out, one warning line each, so no run silently
 * lacks code (.tmtignore'd files are left out on purpose and not repeated). `cap` is the size cap as the user wrote it
 * with --max-file-size, when the command has that flag.
 */
export function warnSnapshot(out: Output, snap: Pick<SnapshotResult, 'skipped'>, cap?: string): void {
  for (const s of snap.skipped) {
    if (s.reason === 'too-large') {
      const over = cap === undefined ? 'over the size cap' : `over the ${cap} cap (raise it with --max-file-size)`;
      warn(out, `left out ${s.path} from the snapshot: ${s.size} bytes is ${over}`);
    } else if (s.reason === 'changing') {
      warn(out, `left out ${s.path} from the snapshot: it changed each of the 3 times it was read, so no whole version of it could be recorded (stop writing to it while tmt starts, or add it to .tmtignore)`);
    }
  }
}
