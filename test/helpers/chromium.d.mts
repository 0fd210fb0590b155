export declare const SYSTEM_CHROMIUM: string;
/** Flags for every Chromium we launch: as root it needs --no-sandbox; no GPU; no calls home. */
export declare const CHROMIUM_ARGS: string[];
export interface ChromiumBinary {
  executablePath: string;
  /** The environment to start it with (the packaged one needs its own libraries and fonts). */
  env: Record<string, string>;
  /** Where it came from, for messages: $CHROMIUM, /usr/bin/chromium or the npm package. */
  source: string;
}
/** The Chromium to launch ($CHROMIUM, else /usr/bin/chromium, else @sparticuz/chromium's, inflated on first use). */
export declare function findChromium(): Promise<ChromiumBinary>;
