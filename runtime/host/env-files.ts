// `--env-file` support: dotenv files become the functions' process.env, as deployment env vars do.
import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";

export function readEnvFiles(files: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new Error(`Cannot read the env file ${file}: ${(error as Error).message}. Check the path given to --env-file.`);
    }
    Object.assign(env, parseEnv(text));
  }
  return env;
}
