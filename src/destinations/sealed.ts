/**
 * @module destinations/sealed
 * Destinations' private delivery data sealed at rest: AES-256-GCM under a key derived (HKDF-SHA256)
 * from each configured secret, written `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url). A ring of
 * keys rotates: the first seals, each opens what it sealed, and `needsReseal` tells a value sealed
 * with an older key. Authenticated: a value altered in the database does not open.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/** The least length of a key's secret. */
export const MIN_KEY_LENGTH = 32;

interface Key {
  id: string;
  bytes: Buffer;
  /** A second key from the same secret, for MACs (a code's digest), never used to encrypt. */
  macKey: Buffer;
}

/** SealError says a sealed value cannot be opened: altered, truncated, or sealed with a key no longer configured. */
export class SealError extends Error {}

/** Sealer seals and opens values with a ring of keys. */
export class Sealer {
  readonly #keys: readonly Key[];

  /** `secrets`: the configured keys' secrets, the one that seals first. */
  constructor(secrets: readonly string[]) {
    if (secrets.length === 0) throw new Error('a Sealer needs at least one key');
    this.#keys = secrets.map((s) => {
      if (s.length < MIN_KEY_LENGTH) throw new Error(`a key must be at least ${MIN_KEY_LENGTH} characters`);
      const bytes = Buffer.from(hkdfSync('sha256', s, 'satnotify', 'destinations v1', 32));
      const macKey = Buffer.from(hkdfSync('sha256', s, 'satnotify', 'destinations mac v1', 32));
      // The id names the key without telling anything of it.
      return { id: createHash('sha256').update(bytes).digest('base64url').slice(0, 8), bytes, macKey };
    });
  }

  /** seal encrypts `plain` with the first key. */
  seal(plain: string): string {
    const key = this.#keys[0] as Key;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [
      'v1',
      key.id,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      body.toString('base64url'),
    ].join('.');
  }

  /** open decrypts a sealed value, or throws SealError (which never quotes it). */
  open(sealed: string): string {
    const [version, id, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !id || iv === undefined || tag === undefined || body === undefined)
      throw new SealError('not a sealed value');
    const key = this.#keys.find((k) => k.id === id);
    if (!key) throw new SealError(`sealed with a key that is not configured (key id ${id})`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch (err) {
      throw new SealError('does not open: altered or truncated', { cause: err });
    }
  }

  /** mac is a keyed digest of `value` (a verification code), to keep instead of the value. */
  mac(value: string): string {
    const key = this.#keys[0] as Key;
    return `${key.id}.${createHmac('sha256', key.macKey).update(value).digest('base64url')}`;
  }

  /** macMatches says, in constant time, whether `value` is what `mac` was made from. */
  macMatches(value: string, mac: string): boolean {
    const [id, digest] = mac.split('.');
    const key = this.#keys.find((k) => k.id === id);
    if (!key || digest === undefined) return false;
    const want = Buffer.from(digest, 'base64url');
    const got = createHmac('sha256', key.macKey).update(value).digest();
    return want.length === got.length && timingSafeEqual(want, got);
  }

  /** needsReseal says whether a sealed value was sealed with a key other than the first. */
  needsReseal(sealed: string): boolean {
    return sealed.split('.')[1] !== (this.#keys[0] as Key).id;
  }

  /** Nothing of the keys in logs or util.inspect. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Sealer { keys: ${this.#keys.length} }`;
  }

  toJSON(): string {
    return 'Sealer';
  }
}
