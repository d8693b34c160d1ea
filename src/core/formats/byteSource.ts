// Random access to the bytes of a file without holding the file: binary readers (GGUF, safetensors) ask
// for the ranges they need, so a 10 GB model costs a few reads of the header, never the whole file.

export interface ByteSource {
  /** Total size of the file in bytes. */
  readonly size: number;
  /** Bytes [offset, offset + length), clipped at the end of the file (a short result means end of file). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A ByteSource over bytes already in memory (tests, files the editor already holds, browser uploads). */
export class MemoryByteSource implements ByteSource {
  constructor(private readonly bytes: Uint8Array) {}

  get size(): number {
    return this.bytes.length;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const start = Math.max(0, Math.min(offset, this.bytes.length));
    const end = Math.max(start, Math.min(offset + Math.max(0, length), this.bytes.length));
    return this.bytes.subarray(start, end);
  }
}

// TextDecoder exists in every runtime this code targets (Node, browsers, the VS Code host) but not in the
// ES2022 lib, so it is reached through a local structural type instead of a global declaration that could
// clash with @types/node or the DOM lib.
interface Utf8Decoder {
  decode(input: Uint8Array): string;
}
type DecoderCtor = new (label: string, options?: { fatal?: boolean }) => Utf8Decoder;
const Decoder = (globalThis as unknown as { TextDecoder: DecoderCtor }).TextDecoder;
const strict = new Decoder('utf-8', { fatal: true });
const lenient = new Decoder('utf-8');

/** Decodes UTF-8; `valid` is false (and invalid bytes become U+FFFD) when the bytes are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): { text: string; valid: boolean } {
  try {
    return { text: strict.decode(bytes), valid: true };
  } catch {
    // fatal mode throws on malformed input: that is the signal, decode again leniently for display.
    return { text: lenient.decode(bytes), valid: false };
  }
}
