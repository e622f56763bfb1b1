/**
 * @module overlay/node-id
 * Node ids: 32 bytes. The string form is Storj's base58check (version byte 0, the 32 bytes, a
 * 4-byte double-SHA-256 checksum), as `storj.io/common/storj` prints them; 64-char hex is accepted
 * too. Parsing happens once at the boundary; everything deeper holds a NodeId.
 */
import bs58check from 'bs58check';
import { InvalidNodeIdError } from '../errors.js';

const NODE_ID_VERSION = 0;
const NODE_ID_BYTES = 32;

/** NodeId is a parsed, valid node id. */
export class NodeId {
  readonly bytes: Buffer;
  #text: string | undefined;

  private constructor(bytes: Buffer) {
    this.bytes = bytes;
  }

  /** parse accepts base58check or 64-char hex (or a NodeId); anything else is InvalidNodeIdError. */
  static parse(input: string | NodeId | Uint8Array): NodeId {
    if (input instanceof NodeId) return input;
    if (input instanceof Uint8Array) return NodeId.fromBytes(input);
    if (typeof input !== 'string')
      throw new InvalidNodeIdError(
        `(${input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input})`,
        'not a string',
      );
    if (/^[0-9a-fA-F]{64}$/.test(input)) return new NodeId(Buffer.from(input, 'hex'));
    let decoded: Uint8Array;
    try {
      decoded = bs58check.decode(input);
    } catch (err) {
      throw new InvalidNodeIdError(
        input,
        /checksum/i.test((err as Error).message) ? 'checksum mismatch' : 'neither base58check nor 64 hex digits',
      );
    }
    if (decoded.length !== NODE_ID_BYTES + 1)
      throw new InvalidNodeIdError(input, `decodes to ${decoded.length - 1} bytes, want ${NODE_ID_BYTES}`);
    if (decoded[0] !== NODE_ID_VERSION)
      throw new InvalidNodeIdError(input, `version byte ${decoded[0]}, want ${NODE_ID_VERSION}`);
    return new NodeId(Buffer.from(decoded.subarray(1)));
  }

  /** tryParse is parse, answering undefined instead of throwing. */
  static tryParse(input: string): NodeId | undefined {
    try {
      return NodeId.parse(input);
    } catch {
      return undefined;
    }
  }

  /** fromBytes wraps 32 raw bytes. */
  static fromBytes(bytes: Uint8Array): NodeId {
    if (bytes.length !== NODE_ID_BYTES)
      throw new InvalidNodeIdError(Buffer.from(bytes).toString('hex'), `${bytes.length} bytes, want ${NODE_ID_BYTES}`);
    return new NodeId(Buffer.from(bytes));
  }

  /** toString is the base58check form Storj prints. */
  toString(): string {
    return (this.#text ??= bs58check.encode(Buffer.concat([Buffer.from([NODE_ID_VERSION]), this.bytes])));
  }

  /** hex is the lower-case hex form. */
  get hex(): string {
    return this.bytes.toString('hex');
  }

  /** short is the first 12 characters of the string form, for subjects and log lines. */
  get short(): string {
    return this.toString().slice(0, 12);
  }

  equals(other: NodeId): boolean {
    return this.bytes.equals(other.bytes);
  }

  toJSON(): string {
    return this.toString();
  }
}
