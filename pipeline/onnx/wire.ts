import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { CorruptInputError } from '../errors.ts';

export const WIRE = { varint: 0, i64: 1, len: 2, i32: 5 } as const;

/**
 * Protobuf wire-format reader over a file descriptor: reads small windows on demand, so skipping a
 * length-delimited field (a tensor's raw_data) costs nothing — payload bytes are never read or copied.
 */
export class WireReader {
  readonly size: number;
  pos = 0;
  // Small and reused: after a skipped payload the next read only needs a tensor header (tens of bytes).
  private readonly window = Buffer.allocUnsafe(4096);
  private windowStart = 0;
  private windowLength = 0;
  private readonly fd: number;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'r');
    this.size = fstatSync(this.fd).size;
  }

  close(): void {
    closeSync(this.fd);
  }

  corrupt(what: string, at = this.pos): CorruptInputError {
    return new CorruptInputError(
      `${this.file}: ${what} at byte offset ${at} (file is ${this.size} bytes): truncated or not an ONNX model`,
    );
  }

  private byteAt(p: number, limit: number): number {
    if (p >= limit) throw this.corrupt('unexpected end of message', p);
    if (p < this.windowStart || p >= this.windowStart + this.windowLength) {
      const len = Math.min(this.window.length, this.size - p);
      if (len <= 0) throw this.corrupt('unexpected end of file', p);
      this.windowLength = readSync(this.fd, this.window, 0, len, p);
      this.windowStart = p;
    }
    return this.window[p - this.windowStart];
  }

  /** Varints up to 2^53 (enough for any dim, length or count in a real model). A negative int64 takes all 10
   *  bytes on the wire: `skip` passes over it, a length or count that large is corrupt. */
  varint(limit: number, anySize = false): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byteAt(this.pos++, limit);
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        if (!anySize && !Number.isSafeInteger(result)) throw this.corrupt('varint beyond 2^53', this.pos - i - 1);
        return result;
      }
      mul *= 128;
    }
    throw this.corrupt('varint longer than 10 bytes');
  }

  tag(limit: number): { field: number; wire: number } {
    const at = this.pos;
    const t = this.varint(limit);
    if (t > 0xffffffff) throw this.corrupt('tag beyond 32 bits', at);
    const field = Math.floor(t / 8);
    if (field === 0) throw this.corrupt('field number 0', at);
    return { field, wire: t % 8 };
  }

  /** End offset of a length-delimited field that starts at pos (after its tag). */
  lenEnd(limit: number): number {
    const at = this.pos;
    const len = this.varint(limit);
    const end = this.pos + len;
    if (end > limit) throw this.corrupt(`field of ${len} bytes runs past its message end (${limit})`, at);
    return end;
  }

  bytes(end: number): Buffer {
    const len = end - this.pos;
    const out = Buffer.alloc(len);
    if (len > 0 && readSync(this.fd, out, 0, len, this.pos) !== len) throw this.corrupt('short read');
    this.pos = end;
    return out;
  }

  string(limit: number): string {
    return this.bytes(this.lenEnd(limit)).toString('utf8');
  }

  skip(wire: number, limit: number): void {
    const at = this.pos;
    if (wire === WIRE.varint)
      this.varint(limit, true); // attribute ints may be negative (ReduceMean axes=[-1])
    else if (wire === WIRE.i64) this.pos += 8;
    else if (wire === WIRE.i32) this.pos += 4;
    else if (wire === WIRE.len) this.pos = this.lenEnd(limit);
    else throw this.corrupt(`unsupported wire type ${wire}`, at);
    if (this.pos > limit) throw this.corrupt('field runs past its message end', at);
  }
}
