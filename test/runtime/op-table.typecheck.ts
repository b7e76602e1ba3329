// What the op table (runtime/shared/host-ops.ts) makes the compiler refuse, checked by
// `npx tsc -p .` rather than run: each `@ts-expect-error` below fails the typecheck as an unused
// directive the day the mistake under it compiles. The behaviour of the ops themselves is tested
// through real user code in syscalls.test.ts.
import type { FeatureHandlers, PlainHandlers, SyncHandlers } from "../../runtime/host/op-handlers";
import type { HostServices } from "../../runtime/host/host-services";
import type { HostChannel } from "../../runtime/worker/host-channel";
import type { DATABASE_OPS, FEATURE_OPS, STORAGE_OPS, SYNC_OPS } from "../../runtime/shared/host-ops";
import type { Runtime } from "../../runtime/host/runtime";

declare const storage: FeatureHandlers<typeof STORAGE_OPS>;
declare const scheduler: FeatureHandlers<typeof FEATURE_OPS>;
declare const services: HostServices;
declare const channel: HostChannel;
declare const runtime: Runtime;

export function refusedByTheCompiler(): void {
  // A group without one of its handlers.
  const { "1.0/storageDelete": _deleted, ...withoutDelete } = storage;
  // @ts-expect-error: "1.0/storageDelete" has no handler
  const _incomplete: FeatureHandlers<typeof STORAGE_OPS> = withoutDelete;
  // startServing hands over every feature op at once: a group left out does not compile.
  // @ts-expect-error: the scheduler's and the function handles' ops have no handler
  services.answer({ ...storage });
  services.answer({ ...scheduler });

  // A handler that takes or returns the wrong thing.
  const _wrongResult: SyncHandlers<typeof SYNC_OPS> = {
    // @ts-expect-error: db/normalizeId answers { id }, not a bare string
    "db/normalizeId": () => "id",
    "db/tableNameOfId": () => ({ table: null }),
  };
  const _wrongArgs: Pick<PlainHandlers<typeof DATABASE_OPS>, "db/count"> = {
    // @ts-expect-error: db/count's arguments have no `id`
    "db/count": (args: { id: string }) => args.id.length,
  };

  // The worker sends only ops of the table, with their arguments, and gets their result type.
  // @ts-expect-error: no such op
  void channel.call("x", "db/teleport", { txId: 1 });
  // @ts-expect-error: db/get needs its install and its ID
  void channel.call("x", "db/get", { txId: 1 });
  // @ts-expect-error: db/count answers a number
  const _count: Promise<string> = channel.call("x", "db/count", { txId: 1, component: "", table: "messages" });
  // @ts-expect-error: a feature op travels with its caller (callFor)
  void channel.call("x", "1.0/storageDelete", { storageId: "id" });

  // The runtime's events are typed, and only the runtime emits them.
  // @ts-expect-error: a "state" listener gets a RuntimeState, not text
  runtime.on("state", (state: string) => state);
  // @ts-expect-error: no such event
  runtime.on("stat", () => undefined);
  // @ts-expect-error: emitting is the runtime's own (features call runtime.notice)
  runtime.emit("notice", "text");
}
