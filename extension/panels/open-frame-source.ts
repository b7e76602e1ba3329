// Opens the file and line a stack frame names (every panel's "open in editor" on a trace line),
// refusing anything outside the project (`sourceFileIn`), in the editor that has the file open.
import { revealSource } from "../reveal-source";
import { sourceFileIn } from "./log-panel-messages";

export async function openFrameSource(projectDir: string, file: string, line: number, column: number | null = null): Promise<void> {
  await revealSource(sourceFileIn(projectDir, file), Math.max(0, line - 1), Math.max(0, (column ?? 1) - 1));
}
