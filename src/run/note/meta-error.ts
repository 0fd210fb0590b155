/** A note that is not a readable tmt run record; the message says why. */
export class MetaParseError extends Error {
  /**
   * Set when the text is a tmt run record (a schemaVersion and a run id) that
   * is damaged or newer than this tmt: a run's record, not another tool's note.
   */
  runId?: string;
}
