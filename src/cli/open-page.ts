/**
 * Opening a written page in the default browser, only where someone is
 * there to see it: on a terminal, not under CI, not with --no-open. Failing
 * to open is a warning, never an error: the path has been printed already.
 */
import { warn, type Output } from './output.js';

/** Whether to try to open a browser at all. */
export function shouldOpen(opts: { open: boolean; tty: boolean; env: NodeJS.ProcessEnv }): boolean {
  const ci = opts.env.CI;
  return opts.open && opts.tty && (ci === undefined || ci === '' || ci === '0' || ci.toLowerCase() === 'false');
}

/** How long to wait for the opener to fail before assuming it worked. */
const SETTLE_MS = 1500;

export async function openPage(file: string, out: Output): Promise<void> {
  let problem: string | undefined;
  try {
    const { default: open } = await import('open');
    const child = await open(file);
    problem = await new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), SETTLE_MS);
      child.once('error', (err) => {
        clearTimeout(timer);
        resolve(err.message);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code ? `the opener exited with code ${code}` : undefined);
      });
    });
  } catch (err) {
    problem = (err as Error).message;
  }
  if (problem) warn(out, `could not open a browser (${problem}); open ${file} yourself`);
}
