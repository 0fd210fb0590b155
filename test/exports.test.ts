import { describe, expect, it } from 'vitest';
import * as api from '../dist/index.js';

describe('library API', () => {
  it('exports exactly the pinned names (change this list on purpose, not by accident)', () => {
    expect(Object.keys(api).sort()).toEqual(['TmtError', 'createRun', 'isTmtError', 'openRepo', 'readRuns', 'saveRun', 'snapshot']);
  });
});
