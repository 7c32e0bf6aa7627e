/** base45 (RFC 9285) ships no types: the two functions scripts/bench-qr.ts uses. */
declare module 'base45' {
  export function encode(data: Uint8Array | string): string;
  export function decode(text: string): Buffer;
  const base45: { encode: typeof encode; decode: typeof decode };
  export default base45;
}
