// The debugger endpoint's port when `--inspect` names none: Node's own default, which debuggers
// look at first (VS Code's "attach" configuration, chrome://inspect).
export const DEFAULT_INSPECT_PORT = 9229;
