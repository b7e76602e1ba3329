// The browser: @sparticuz/chromium carries a headless Chromium (chrome-headless-shell) inside its
// npm tarball, brotli-compressed, with the few libraries it needs beyond glibc (NSS, NSPR, expat;
// packed for Amazon Linux 2023, they run on any glibc ≥ 2.34) and a font. Unpacked once into the
// cache; no system browser, no apt, no download outside the npm registry.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cachedTool, e2eCacheDir } from "./cache.mjs";
import { npmEnv } from "./npm-env.mjs";
import { runLogged } from "./run-logged.mjs";

export const CHROMIUM_PACKAGE_VERSION = "153.0.0";
const CHROMIUM_MAJOR = CHROMIUM_PACKAGE_VERSION.split(".")[0];

// Runs with Node 24 and TMPDIR=<browser folder>: the package unpacks into os.tmpdir().
const UNPACK = `
const { default: Chromium, inflate } = await import(process.argv[1]);
await Chromium.executablePath();
await inflate(process.argv[2]);
`;

/** What launching the browser needs: the libraries beside it, and fonts when the machine has none. */
function browserEnv(browserDir) {
  const env = { LD_LIBRARY_PATH: join(browserDir, "al2023", "lib") };
  if (!existsSync("/etc/fonts/fonts.conf")) env.FONTCONFIG_PATH = join(browserDir, "fontconfig");
  return env;
}

/** `{ executable, env, version }` of the cached Chromium; `env` goes into its launch options. */
export async function ensureChromium(node24, log) {
  const name = `chromium-${CHROMIUM_PACKAGE_VERSION}`;
  const logFile = join(e2eCacheDir(), `${name}.install.log`);
  const { dir, installed } = await cachedTool(name, async (partial, finalDir) => {
    log(`e2e: Chromium (npm package @sparticuz/chromium@${CHROMIUM_PACKAGE_VERSION}) → ${join(e2eCacheDir(), name)}`);
    writeFileSync(logFile, "");
    writeFileSync(join(partial, "package.json"), `${JSON.stringify({ name: "convex-lens-e2e-chromium", private: true }, null, 2)}\n`);
    const options = { cwd: partial, env: npmEnv(node24.home), logFile, log };
    await runLogged(
      `download @sparticuz/chromium@${CHROMIUM_PACKAGE_VERSION}`,
      "npm",
      ["install", "--ignore-scripts", "--no-audit", "--no-fund", `@sparticuz/chromium@${CHROMIUM_PACKAGE_VERSION}`],
      options,
    );
    const packageDir = join(partial, "node_modules", "@sparticuz", "chromium");
    const browser = join(partial, "browser");
    mkdirSync(browser);
    await runLogged(
      "unpack Chromium",
      node24.bin,
      ["--input-type=module", "-e", UNPACK, join(packageDir, "build", "index.js"), join(packageDir, "bin", "al2023.tar.br")],
      {
        ...options,
        env: { ...process.env, TMPDIR: browser },
      },
    );
    // The package's fonts.conf names /tmp/fonts; this one names where the font is now.
    mkdirSync(join(browser, "fontconfig"));
    const finalBrowser = join(finalDir, "browser");
    writeFileSync(
      join(browser, "fontconfig", "fonts.conf"),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${join(finalBrowser, "fonts")}</dir>\n  <cachedir>${join(finalBrowser, "fontconfig", "cache")}</cachedir>\n</fontconfig>\n`,
    );
    // The compressed copies are not needed any more (70 MB).
    rmSync(join(partial, "node_modules"), { recursive: true, force: true });
    const version = chromiumVersion(join(browser, "chromium"), browserEnv(browser));
    if (!version.startsWith(`Chromium ${CHROMIUM_MAJOR}.`))
      throw new Error(`the unpacked Chromium answers ${JSON.stringify(version)} to --version`);
  });
  const executable = join(dir, "browser", "chromium");
  const env = browserEnv(join(dir, "browser"));
  const version = chromiumVersion(executable, env);
  if (!installed) log(`e2e: ${version}: cached in ${dir}`);
  return { executable, env, version };
}

function chromiumVersion(executable, env) {
  const result = spawnSync(executable, ["--version"], { encoding: "utf8", env: { ...process.env, ...env } });
  return `${result.stdout ?? ""}`.trim() || `${result.stderr ?? ""}${result.error?.message ?? ""}`.trim();
}
