// The environment for the npm commands that install the end-to-end tools.
import { join } from "node:path";

// Where packages come from and how to reach them: kept when set in the environment.
const KEPT_NPM_CONFIG = /^npm_config_(registry|cache|userconfig|globalconfig|proxy|https_proxy|noproxy|strict_ssl|cafile)$/i;

/**
 * The environment without the npm_* variables of the npm that started us (npm_config_user_agent
 * would name Node 20 to install scripts, npm_config_local_prefix would point the install at this
 * repository), with `nodeHome`'s node first on PATH when given: npm then runs on it, and node-gyp
 * builds native modules against its headers (not against ~/.npmrc's `nodedir`).
 */
export function npmEnv(nodeHome) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && (!/^npm_/i.test(key) || KEPT_NPM_CONFIG.test(key))) env[key] = value;
  }
  if (nodeHome) {
    env.PATH = `${join(nodeHome, "bin")}:${process.env.PATH ?? ""}`;
    env.npm_config_nodedir = nodeHome;
  }
  env.npm_config_audit = "false";
  env.npm_config_fund = "false";
  env.npm_config_update_notifier = "false";
  env.npm_config_progress = "false";
  // node-gyp runs make with one job per core.
  env.JOBS = "max";
  return env;
}
