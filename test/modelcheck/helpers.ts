/** Paths of the model-checking fixtures (all inside the repo). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tlc');
export const SPEC_DIR = join(FIXTURES, 'spec');
export const FAKE_JAVA = join(FIXTURES, 'fake-java.sh');
export const FAKE_JAR = join(FIXTURES, 'fake-tla2tools.txt');

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

export const SLOTS = fixture('Slots.tla');
