/**
 * Credentials never leave tmt in its output. A URL may carry them in its
 * user-info (`https://user:token@host/`) or its query string
 * (`?private_token=...`); wherever a remote or git's words about one are
 * shown (messages, hints, progress, --json), they are replaced by `***`.
 */

/** A URL's scheme and authority up to the last '@' before the path: the user-info. */
const USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s'"<>]*@/gi;
const URL = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>]+/gi;

/** `text` with the user-info and query values of every URL in it replaced by `***`. */
export function redactUrls(text: string): string {
  return text.replace(USER_INFO, '$1***@').replace(URL, (url) => url.replace(/([?&][^=&#]*=)[^&#]*/g, '$1***'));
}

/** The same error with credentials taken out of its message and stack (the original stays its cause). */
export function redactError<T>(err: T): T {
  if (!(err instanceof Error)) return err;
  const message = redactUrls(err.message);
  if (message === err.message && !(err.stack && redactUrls(err.stack) !== err.stack)) return err;
  err.message = message;
  if (err.stack) err.stack = redactUrls(err.stack);
  return err;
}
