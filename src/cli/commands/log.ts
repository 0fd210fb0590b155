/** `tmt log metric|param|artifact`: add to the current run (inside tmt record) or to --run. */
import { text } from '../flags.js';
import { command, group, operand } from '../spec.js';

const KINDS = ['metric', 'param', 'artifact'] as const;

function logKind(kind: (typeof KINDS)[number]) {
  return command({
    name: kind,
    description: kind === 'artifact' ? 'attach files to a run' : `log ${kind}s as key=value`,
    operand: operand(kind === 'artifact' ? '<path...>' : '<key=value...>'),
    flags: {
      run: text('--run <run>', 'the run to log to (default: the run tmt record started)'),
      ...(kind === 'metric' ? { step: text('--step <n>', 'the step these values belong to') } : {}),
    },
    async run({ flags, operands }, ctx) {
      const { logCommand } = await import('../actions/log.js');
      return logCommand({ cwd: ctx.cwd(), kind, items: operands, ...flags }, ctx);
    },
  });
}

export const log = group({
  name: 'log',
  description: 'log metrics, params or artifacts to the current run (inside tmt record) or to --run',
  help: `
Examples:
  $ tmt log metric loss=0.41 acc=0.8 --step 3     # inside a recorded command
  $ tmt log param batch=64 --run last
  $ tmt log artifact confusion.png --run baseline`,
  commands: KINDS.map(logKind),
});
