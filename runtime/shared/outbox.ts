// Messages to the other thread, posted together: one postMessage when the event loop turns (or
// when `flush` is called) for whatever was sent until then. Each postMessage wakes the receiving
// thread, and on a busy machine a wake-up costs more CPU than serializing a small message
// (bench/where-the-time-goes.md, figure 1). Used on both sides: the worker's HostChannel and the
// host's UserCodeWorker.
import { setImmediate } from "node:timers";

export type Posted<Message> = Message | { type: "batch"; messages: Message[] };

export class Outbox<Message> {
  #messages: Message[] = [];
  #transfer: ArrayBuffer[] = [];
  #scheduled = false;

  /** `post` sends one message; `beforePost` runs just before it. */
  constructor(
    private readonly post: (message: Posted<Message>, transfer: ArrayBuffer[]) => void,
    private readonly beforePost: () => void = () => undefined,
  ) {}

  /** How many messages wait. */
  get size(): number {
    return this.#messages.length;
  }

  push(message: Message, transfer?: ArrayBuffer[]): void {
    this.#messages.push(message);
    if (transfer) this.#transfer.push(...transfer);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Posts what is waiting, as one message. */
  flush(): void {
    this.#scheduled = false;
    if (this.#messages.length === 0) return;
    const messages = this.#messages;
    const transfer = this.#transfer;
    this.#messages = [];
    this.#transfer = [];
    this.beforePost();
    this.post(messages.length === 1 ? messages[0]! : { type: "batch", messages }, transfer);
  }
}
