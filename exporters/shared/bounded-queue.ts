/**
 * A FIFO bounded by item count and total bytes. Pushing past either bound evicts the oldest
 * items (they are returned so their owners can be told and the drops counted); an item larger
 * than the byte bound on its own is refused.
 */
export class BoundedQueue<T extends { readonly bytes: number }> {
  private readonly _items: T[] = [];
  private _bytes = 0;
  private readonly _maxItems: number;
  private readonly _maxBytes: number;

  /** `maxItems` >= 1, `maxBytes` >= 1. */
  constructor(maxItems: number, maxBytes: number) {
    this._maxItems = maxItems;
    this._maxBytes = maxBytes;
  }

  /** Items queued. */
  get length(): number {
    return this._items.length;
  }

  /** Bytes queued. */
  get bytes(): number {
    return this._bytes;
  }

  /**
   * Appends `item` and returns the items evicted to make room (oldest first). If `item` alone
   * exceeds `maxBytes`, nothing is evicted and `[item]` is returned (it was not queued).
   */
  push(item: T): T[] {
    if (item.bytes > this._maxBytes) return [item];
    const evicted: T[] = [];
    while (this._items.length > 0 && (this._items.length + 1 > this._maxItems || this._bytes + item.bytes > this._maxBytes)) {
      evicted.push(this._shift());
    }
    this._items.push(item);
    this._bytes += item.bytes;
    return evicted;
  }

  /**
   * Puts an item back at the head (a retry keeps its place in line). If that breaks a bound,
   * the oldest items (starting with this one) are evicted and returned, as `push` would.
   */
  unshift(item: T): T[] {
    this._items.unshift(item);
    this._bytes += item.bytes;
    const evicted: T[] = [];
    while (this._items.length > 0 && (this._items.length > this._maxItems || this._bytes > this._maxBytes)) {
      evicted.push(this._shift());
    }
    return evicted;
  }

  /** The oldest item, without removing it. */
  peek(): T | undefined {
    return this._items[0];
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    return this._items.length > 0 ? this._shift() : undefined;
  }

  /** Removes and returns everything. */
  drain(): T[] {
    const all = this._items.splice(0);
    this._bytes = 0;
    return all;
  }

  private _shift(): T {
    const item = this._items.shift() as T;
    this._bytes -= item.bytes;
    return item;
  }
}
