// Where to show a source line (pure, no vscode): in the editor group that already has the file, so
// "Reveal in source" or a click on a stack frame moves that editor instead of opening a second
// one in whatever group is active (often the one holding the panels).

/** One editor tab that holds the file. */
export interface OpenTab {
  /** Its group's view column (1 = the first group). */
  column: number;
  /** It is the tab its group shows. */
  visible: boolean;
  /** Its group is the active one. */
  activeGroup: boolean;
}

/** The first group, where a file that is open nowhere goes. */
export const FIRST_COLUMN = 1;

/** The column for the file: a group showing it (the active group first), else one that has it in
 *  a background tab, else the first group. */
export function columnFor(tabs: readonly OpenTab[]): number {
  const rank = (tab: OpenTab) => (tab.visible ? (tab.activeGroup ? 0 : 1) : 2);
  const best = [...tabs].sort((a, b) => rank(a) - rank(b) || a.column - b.column)[0];
  return best?.column ?? FIRST_COLUMN;
}
