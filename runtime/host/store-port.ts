// What the host needs from the document store; the sql.js Store satisfies it.
import type { ReadTransaction, SchemaInfo, WriteTransaction } from "../store/types";
export type { DocumentJSON, JSONValue, QueryBatch, QueryPageResult, SchemaInfo } from "../store/types";

export interface StorePort {
  beginRead(): Promise<ReadTransaction>;
  beginWrite(): Promise<WriteTransaction>;
  setSchema(schema: SchemaInfo | null): Promise<void>;
  /** The table a document id belongs to, or null if it is not an id of any table. */
  tableNameOfId(id: string): string | null;
  close(): Promise<void>;
}
