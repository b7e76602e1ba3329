// Creates throwaway Convex projects in the OS temp folder. Living outside /work/main means they
// cannot see our node_modules, which is exactly the "project without convex installed" case;
// `linkConvex` adds node_modules/convex as a symlink to ours for the "installed" case.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const OUR_CONVEX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../node_modules/convex");

export interface FixtureProject {
  dir: string;
  write(relPath: string, contents: string): string;
  remove(): void;
}

export function makeProject(files: Record<string, string>, opts: { linkConvex?: boolean } = {}): FixtureProject {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "convex-lens-loader-")));
  const write = (relPath: string, contents: string) => {
    const file = path.join(dir, relPath);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, contents);
    return file;
  };
  for (const [relPath, contents] of Object.entries(files)) write(relPath, contents);
  if (opts.linkConvex) {
    fs.mkdirSync(path.join(dir, "node_modules"), { recursive: true });
    fs.symlinkSync(OUR_CONVEX, path.join(dir, "node_modules", "convex"), "dir");
  }
  return { dir, write, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** An http.ts that routes GET /hello and throws on GET /boom (the throw is on line 12). */
export const HTTP_TS = `import { httpRouter } from "convex/server";
import { httpAction } from "./_generated/server";

const http = httpRouter();

http.route({ path: "/hello", method: "GET", handler: httpAction(async () => new Response("hi")) });
http.route({
  path: "/boom",
  method: "GET",
  handler: httpAction(async () => {
    // the next line is line 12
    throw new Error("boom");
  }),
});

export default http;
`;
