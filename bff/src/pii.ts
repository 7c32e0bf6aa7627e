/**
 * Personal data at rest (and the outbox's messages, SecretBox): ID numbers encrypted with AES-256-GCM (node:crypto; random 96-bit IV, 128-bit tag,
 * stored as iv ‖ tag ‖ ciphertext) and a keyed HMAC-SHA-256 for equality lookup without decrypting.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** AES-256-GCM under one 32-byte key: random 96-bit IV, 128-bit tag, sealed as iv ‖ tag ‖ ciphertext. */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new RangeError('encryption keys must be 32 bytes');
  }

  encrypt(plaintext: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  /** Throws when the data was altered or encrypted under another key. */
  decrypt(sealed: Buffer): string {
    return this.decryptBytes(sealed).toString('utf8');
  }

  /** Seals raw bytes (a liveness video: no base64 detour), iv ‖ tag ‖ ciphertext. */
  encryptBytes(plain: Uint8Array): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  /** The bytes sealed by encryptBytes (or encrypt); throws when altered or sealed under another key. */
  decryptBytes(sealed: Buffer): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
  }
}

export class PiiCipher {
  private readonly box: SecretBox;
  constructor(
    encryptionKey: Buffer,
    private readonly hashKey: Buffer,
  ) {
    if (encryptionKey.length !== 32 || hashKey.length !== 32) throw new RangeError('PII keys must be 32 bytes');
    this.box = new SecretBox(encryptionKey);
  }

  encrypt(plaintext: string): Buffer {
    return this.box.encrypt(plaintext);
  }

  /** Throws when the data was altered or encrypted under another key. */
  decrypt(sealed: Buffer): string {
    return this.box.decrypt(sealed);
  }

  /** Raw bytes under the PII key (SecretBox.encryptBytes). */
  encryptBytes(plain: Uint8Array): Buffer {
    return this.box.encryptBytes(plain);
  }

  /** Throws when the data was altered or encrypted under another key. */
  decryptBytes(sealed: Buffer): Buffer {
    return this.box.decryptBytes(sealed);
  }

  /** Keyed hash for lookup (e.g. employer filter by ID number); normalise before hashing. */
  lookupHash(value: string): Buffer {
    return createHmac('sha256', this.hashKey).update(value.trim().toUpperCase()).digest();
  }
}

/** HMAC-SHA-256 of a secret under `key`; compare with `sameHash`. */
export function keyedHash(key: Buffer, ...parts: string[]): Buffer {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p).update('\0');
  return h.digest();
}

export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export { maskPhone } from '@zhiyetong/shared';
