/** The page's data: the same types the server builds it with (type-only; esbuild drops these imports). */
import type { ArtifactView } from '../../compare/artifacts.js';
import type { FileDiff } from '../../compare/code.js';
import type { Comparison } from '../../compare/model.js';

export type { ArtifactRow, DiffEntry, MetricRow, ParamRow, RunView, SeriesSet } from '../../compare/model.js';
export type { ArtifactView, FileDiff };

/** `labels`: how the page names each run (src/compare/labels.ts), the same names the diff headings use. */
export type PageData = Comparison & { labels: string[]; tmtVersion: string };

/** What every section needs to label runs consistently. */
export interface RunStyle {
  labels: string[];
  colors: string[];
}
