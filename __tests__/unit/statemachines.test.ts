import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { PROJECT_ROOT } from '../../src/local/template';

const STATE_MACHINE_DIR = join(PROJECT_ROOT, 'statemachines');
const definitions = readdirSync(STATE_MACHINE_DIR).filter((file) => file.endsWith('.asl.json'));

describe('state machine definitions (asl-validator)', () => {
  it('rejects a broken definition, so the check below has teeth', () => {
    const { isValid } = aslValidator({ StartAt: 'Missing', States: { Only: { Type: 'Pass', End: true } } });
    expect(isValid).toBe(false);
  });

  it('accepts every file in statemachines/', () => {
    const invalid = definitions
      .map((file) => {
        const { isValid, errorsText } = aslValidator(
          JSON.parse(readFileSync(join(STATE_MACHINE_DIR, file), 'utf8')) as object,
          { checkArn: true, checkPaths: true },
        );
        return isValid ? undefined : `${file}: ${errorsText('; ')}`;
      })
      .filter(Boolean);
    expect(invalid).toEqual([]);
  });
});
