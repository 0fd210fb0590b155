/** `tmt ui`: every run in the browser, live, from a local server. */
import { bool, textOr, type FlagsOf } from '../flags.js';
import { command } from '../spec.js';

const flags = {
  port: textOr('--port <port>', 'the port to listen on (0: any free one)', '0'),
  host: textOr('--host <host>', 'the address to listen on; anything but loopback lets other machines connect (with the token)', '127.0.0.1'),
  noOpen: bool('--no-open', "don't open a browser (it never opens off a terminal or under CI)"),
};

export type UiFlags = FlagsOf<typeof flags>;

export const ui = command({
  name: 'ui',
  description: 'browse every run in a local web page: filter, sort, chart, details; live while runs train',
  flags,
  help: `
Serves a page on 127.0.0.1 and prints its address, which holds a token: every
request needs it (the browser keeps it in a cookie for this address). The page
reads git and changes nothing. It updates by itself when a run starts, logs a
point, ends, or arrives with tmt fetch. Ctrl-C stops the server.

Examples:
  $ tmt ui
  $ tmt ui --port 8765 --no-open
  $ tmt ui --host 0.0.0.0          # reachable from other machines: keep the token to yourself`,
  async run({ flags: f }, ctx) {
    const { uiCommand } = await import('../actions/ui.js');
    return uiCommand({ cwd: ctx.cwd(), ...f }, ctx);
  },
});
