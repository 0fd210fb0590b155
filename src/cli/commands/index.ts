/**
 * Every command, in the order `tmt --help` lists them. A new command is a
 * file beside this one (its spec: flags, help, the mapping to its action)
 * and a line here.
 */
import type { CommandSpec } from '../spec.js';
import { best } from './best.js';
import { compare } from './compare.js';
import { diff } from './diff.js';
import { edit } from './edit.js';
import { fetch, pull } from './fetch.js';
import { get } from './get.js';
import { list } from './list.js';
import { log } from './log.js';
import { metrics } from './metrics.js';
import { push } from './push.js';
import { record } from './record.js';
import { recover } from './recover.js';
import { remote } from './remote.js';
import { rm } from './rm.js';
import { save } from './save.js';
import { show } from './show.js';
import { snapshot } from './snapshot.js';

export const COMMANDS: readonly CommandSpec[] = [snapshot, save, record, list, best, show, get, metrics, diff, compare, log, edit, recover, rm, remote, push, fetch, pull];
