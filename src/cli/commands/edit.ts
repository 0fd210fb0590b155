/** `tmt edit`: a finished run's name, description and tags. */
import { list, text, type FlagsOf } from '../flags.js';
import { command, operand } from '../spec.js';

const flags = {
  name: text('-n, --name <name>', 'new name ("" removes it)'),
  description: text('-d, --description <text>', 'new description ("" removes it)'),
  tag: list('-t, --tag <tag>', 'add a tag (repeatable)'),
  untag: list('--untag <tag>', 'remove a tag (repeatable)'),
};

export type EditFlags = FlagsOf<typeof flags>;

export const edit = command({
  name: 'edit',
  description: 'rename a finished run, change its description, add or remove tags',
  operand: operand('<run>', 'run id prefix, name, NAME~N, last or last~N'),
  flags,
  help: `
Examples:
  $ tmt edit last --name baseline
  $ tmt edit 01m81s6q --tag keep --untag draft`,
  async run({ flags, operands }, ctx) {
    const { editCommand } = await import('../actions/edit.js');
    return editCommand({ cwd: ctx.cwd(), run: operands, ...flags }, ctx);
  },
});
