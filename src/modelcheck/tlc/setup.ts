/** Finding java and tla2tools.jar for the TLC engine. */
import { accessSync, constants as fsConstants, existsSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

/** Where `npm run tlc:install` puts the jar, relative to the repository root (ignored by git). */
export const DEFAULT_JAR = join('.tlc', 'tla2tools.jar');

/** Java or the jar is missing: the CLI reports this and exits 2. */
export class EngineUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineUnavailable';
  }
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, fsConstants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** `JAVA` (a path), else `$JAVA_HOME/bin/java`, else `java` on PATH. */
export function findJava(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.JAVA) return isExecutable(env.JAVA) ? resolve(env.JAVA) : undefined;
  if (env.JAVA_HOME && isExecutable(join(env.JAVA_HOME, 'bin', 'java'))) return join(env.JAVA_HOME, 'bin', 'java');
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && isExecutable(join(dir, 'java'))) return join(dir, 'java');
  }
  return undefined;
}

/** `TLA2TOOLS_JAR`, else `<repoRoot>/.tlc/tla2tools.jar`. */
export function findJar(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const p = env.TLA2TOOLS_JAR ? resolve(env.TLA2TOOLS_JAR) : join(repoRoot, DEFAULT_JAR);
  return existsSync(p) ? p : undefined;
}

export interface TlcSetup {
  java: string;
  jar: string;
}

/** Both java and the jar, or an EngineUnavailable saying what is missing and how to get it. */
export function requireTlc(repoRoot: string, env: NodeJS.ProcessEnv = process.env): TlcSetup {
  const java = findJava(env);
  const jar = findJar(repoRoot, env);
  const missing: string[] = [];
  if (!java) missing.push(env.JAVA ? `JAVA=${env.JAVA} is not an executable file` : 'java is not on PATH (set JAVA or JAVA_HOME, or install a JDK 11+)');
  if (!jar) {
    missing.push(env.TLA2TOOLS_JAR
      ? `TLA2TOOLS_JAR=${env.TLA2TOOLS_JAR} does not exist`
      : `no TLC jar at ${join(repoRoot, DEFAULT_JAR)} (run \`npm run tlc:install\` or set TLA2TOOLS_JAR)`);
  }
  if (!java || !jar) throw new EngineUnavailable(`the TLC engine is not available: ${missing.join('; ')}`);
  return { java, jar };
}
