/**
 * Reuse of tensor buffers for the `native` backend.
 *
 * Every kernel output used to be a fresh `new Float32Array(n)`. V8 zero-fills it and counts
 * it as external memory, so a large output's allocation and garbage collection cost more
 * than the kernel itself for most elementwise ops (docs/speed.md). The pool hands out
 * buffers freed by disposed tensors instead.
 *
 * A buffer is only ever reused when nothing else can still see it:
 * - it was handed out by this pool and attached to exactly one tensor's data (`adopt`);
 * - it was never read out (`readSync`/`read` return the backend's own array to the user);
 * - no other tensor data aliases it (the cpu backend's Slice returns a subarray view of its
 *   input: such a write marks the parent as escaped).
 * An escaped buffer is simply left to the garbage collector, as before.
 */
const MAX_BYTES_DEFAULT = 512 * 1024 * 1024;
const MAX_PER_SIZE = 256;
/** Buffers smaller than this are cheap to allocate: tracked (see isPrivate), never kept. */
const MIN_POOLED = 1024;
/**
 * Arrays of at most this many floats (64 bytes) live inside V8's heap until something asks
 * for their `.buffer`, which then mallocs a backing store: a measurable cost on every tiny
 * elementwise kernel. Such arrays of ours are never tracked by buffer, never kept, never
 * updated in place, and `.buffer` is not touched for them.
 */
const ON_HEAP_MAX = 16;

export class BufferPool {
  private readonly free = new Map<number, Float32Array[]>();
  /** Handed out, not yet attached to tensor data. */
  private readonly fresh = new WeakSet<Float32Array>();
  /** Attached to exactly one tensor data entry: the candidates for reuse. */
  private readonly owned = new WeakMap<ArrayBufferLike, Float32Array>();
  private readonly escaped = new WeakSet<Float32Array>();
  private bytes = 0;
  hits = 0;
  misses = 0;
  /** Buffers given up because they were read out or aliased. */
  escapes = 0;

  constructor(private readonly maxBytes = MAX_BYTES_DEFAULT) {}

  /** A Float32Array of length n with arbitrary contents (zeroed when `zero`). */
  alloc(n: number, zero = false): Float32Array {
    const list = n < MIN_POOLED ? undefined : this.free.get(n);
    const reused = list?.pop();
    let out: Float32Array;
    if (reused) {
      this.bytes -= reused.byteLength;
      this.hits++;
      if (zero) reused.fill(0);
      out = reused;
    } else {
      if (n >= MIN_POOLED) this.misses++;
      out = new Float32Array(n);
    }
    this.fresh.add(out);
    return out;
  }

  /** Called for every array the backend stores as tensor data. */
  adopt(values: unknown): void {
    if (!(values instanceof Float32Array || values instanceof Uint8Array || values instanceof Int32Array)) return;
    if (values instanceof Float32Array && this.fresh.has(values)) {
      this.fresh.delete(values);
      if (values.length > ON_HEAP_MAX) this.owned.set(values.buffer, values);
      return;
    }
    // Data that shares memory with a pooled buffer (a view, or the same array twice).
    const parent = this.owned.get(values.buffer);
    if (parent) this.escape(parent);
  }

  /** The array has been handed to code outside the backend: never reuse it. */
  escape(values: unknown): void {
    if (!(values instanceof Float32Array || values instanceof Uint8Array || values instanceof Int32Array)) return;
    // A small array is never owned; were it a view of an owned buffer, adopt() escaped that.
    if (values.length <= ON_HEAP_MAX) return;
    const parent = this.owned.get(values.buffer);
    if (parent) {
      this.escapes++;
      this.escaped.add(parent);
      this.owned.delete(values.buffer);
    }
  }

  /** Called when tensor data is deleted. */
  release(values: unknown): void {
    if (!(values instanceof Float32Array) || values.length <= ON_HEAP_MAX) return;
    if (this.owned.get(values.buffer) !== values || this.escaped.has(values)) return;
    this.owned.delete(values.buffer);
    if (values.length < MIN_POOLED || values.byteLength > this.maxBytes) return;
    let list = this.free.get(values.length);
    if (list) this.free.delete(values.length); // re-inserted last: the map runs least recently used first
    else list = [];
    this.free.set(values.length, list);
    if (list.length >= MAX_PER_SIZE) return;
    this.evict(values.byteLength);
    list.push(values);
    this.bytes += values.byteLength;
  }

  /**
   * Frees room for `bytes` more by dropping buffers of the sizes released least recently,
   * so buffers of a model trained earlier in the process give way to the current one's.
   */
  private evict(bytes: number): void {
    for (const [size, list] of this.free) {
      if (this.bytes + bytes <= this.maxBytes) return;
      while (list.length > 0 && this.bytes + bytes > this.maxBytes) this.bytes -= list.pop()!.byteLength;
      if (list.length === 0) this.free.delete(size);
    }
  }

  /**
   * True when `values` is a pooled buffer attached to tensor data and never read out or
   * aliased: only the backend can see it, so it may be updated in place.
   */
  isPrivate(values: unknown): values is Float32Array {
    return values instanceof Float32Array && values.length > ON_HEAP_MAX && this.owned.get(values.buffer) === values &&
      !this.escaped.has(values);
  }

  /** Drops every free buffer (memory goes back to the garbage collector). */
  clear(): void {
    this.free.clear();
    this.bytes = 0;
  }

  get pooledBytes(): number {
    return this.bytes;
  }
}
