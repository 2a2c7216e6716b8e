// One owned reference to a C object. Every public wrapper keeps its pointer
// in a Handle, so "unref exactly once" and "use after dispose throws" live in
// one place. An asynchronous call (a nonblocking pull or pop) runs on another
// thread with the pointer, so it holds the handle: a dispose that arrives
// meanwhile is deferred until the last such call has returned.

export class Handle {
  #pointer: Deno.PointerObject | null;
  #release: (pointer: Deno.PointerObject) => void;
  #holds = 0;
  #cleanups: (() => void)[] = [];
  #disposed = false;
  /** What the handle refers to, for error messages: `element "enc"`. */
  readonly what: string;

  constructor(
    pointer: Deno.PointerObject,
    release: (pointer: Deno.PointerObject) => void,
    what: string,
  ) {
    this.#pointer = pointer;
    this.#release = release;
    this.what = what;
  }

  /** The pointer; throws BadResource once the handle is disposed. */
  get pointer(): Deno.PointerObject {
    if (this.#disposed || this.#pointer === null) {
      throw new Deno.errors.BadResource(`The ${this.what} is disposed`);
    }
    return this.#pointer;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Marks the start of an asynchronous call that uses the pointer. */
  hold(): Deno.PointerObject {
    const pointer = this.pointer;
    this.#holds++;
    return pointer;
  }

  /** Marks the end of an asynchronous call; releases a deferred dispose. */
  unhold(): void {
    this.#holds--;
    if (this.#holds === 0 && this.#disposed) this.#releaseNow();
  }

  /**
   * Runs `cleanup` when the handle is disposed, before the reference goes:
   * wrappers that hold more than the pointer (a sample, cached caps)
   * release it here, whoever disposes the handle.
   */
  onDispose(cleanup: () => void): void {
    this.#cleanups.push(cleanup);
  }

  /** Releases the reference once; later calls do nothing. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    if (this.#holds === 0) this.#releaseNow();
  }

  #releaseNow(): void {
    const pointer = this.#pointer;
    this.#pointer = null;
    if (pointer !== null) this.#release(pointer);
  }
}
