// A request of the inspector that cannot be served as asked (a table that is gone, a system table
// to edit, a file too large to preview). Its message is shown to the user as is and says what to
// do instead; errors of the store and of user code pass through unchanged.
export class InspectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InspectError";
  }
}
