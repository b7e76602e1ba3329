// Whether a process still runs, for the marks processes leave in folders (the data folder's lock,
// a build folder's builder). A process we may not signal (EPERM) exists all the same.
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
