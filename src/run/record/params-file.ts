import { TmtError } from '../../errors.js';
import { readUserFile, USER_FILE_CAP_MIB, UserFileError } from '../../util/read-capped.js';
import { loadYamlParser } from '../note/metadata.js';

/** Params from a YAML or JSON file (JSON is YAML); the top level must be a mapping. */
export async function readParamsFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = readUserFile(file).toString('utf8');
  } catch (err) {
    if (err instanceof UserFileError) {
      throw new TmtError('BAD_ARGUMENT', `--params-file: ${file} ${err.message}`, { hint: `give a regular YAML or JSON file of params, of at most ${USER_FILE_CAP_MIB} MiB` });
    }
    throw new TmtError('BAD_ARGUMENT', `--params-file: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      hint: 'give the path of a YAML or JSON file of params',
      cause: err,
    });
  }
  let doc: unknown;
  try {
    doc = (await loadYamlParser())(text);
  } catch (err) {
    throw new TmtError('BAD_ARGUMENT', `--params-file: ${file} is not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`, {
      hint: 'a params file is a mapping, e.g. "lr: 0.01"',
      cause: err,
    });
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new TmtError('BAD_ARGUMENT', `--params-file: ${file} must hold a mapping of names to values`, { hint: 'e.g. "lr: 0.01\\nepochs: 10"' });
  }
  return doc as Record<string, unknown>;
}
