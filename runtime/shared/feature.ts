// A part of the runtime that hooks into it (op handlers, API routes, listeners) and must be shut
// down with it.
export interface RuntimeFeature {
  close(): Promise<void> | void;
}
