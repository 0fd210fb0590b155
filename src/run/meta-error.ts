/** A note that is not a readable tmt run record; the message says why. */
export class MetaParseError extends Error {}
