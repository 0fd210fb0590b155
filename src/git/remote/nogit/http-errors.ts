/** isomorphic-git's and Node's HTTP failures, as the one-line errors git's would give (../errors.ts). */
import { TmtError } from '../../../errors.js';
import { redactUrls } from '../redact.js';

export function httpFailure(err: unknown, remote: string): TmtError | undefined {
  const e = err as { code?: string; message?: string; data?: { statusCode?: number; statusMessage?: string }; cause?: { code?: string } };
  const status = e.code === 'HttpError' ? e.data?.statusCode : undefined;
  if (e.code === 'UserCanceledError' || status === 401 || status === 403) {
    return new TmtError('AUTH_FAILED', `${remote}: authentication failed (HTTP ${status ?? 401})`, {
      hint: 'put the user and password (or token) in the URL, or set TMT_HTTP_USER and TMT_HTTP_PASSWORD',
      cause: err,
    });
  }
  const net = e.code && /^E[A-Z]+$/.test(e.code) ? e.code : e.cause?.code;
  if (status !== undefined || (net && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH)$/.test(net)) || e.code === 'SmartHttpError') {
    const said = redactUrls(status !== undefined ? `HTTP ${status} ${e.data?.statusMessage ?? ''}`.trim() : (net ?? e.message ?? 'no answer'));
    return new TmtError('REMOTE_UNREACHABLE', `cannot reach ${remote} (${said})`, { hint: 'check the URL and the network', cause: err });
  }
  return undefined;
}
