// A ByteSource over a file on disk: opened once, read by position, so a 10 GB model costs only the reads
// the header readers ask for. Call close() when done (or use withFileSource).
import { open, type FileHandle } from 'node:fs/promises';
import type { ByteSource } from '../core/formats/byteSource';

export class NodeByteSource implements ByteSource {
  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<NodeByteSource> {
    const handle = await open(path, 'r');
    try {
      const stat = await handle.stat();
      return new NodeByteSource(handle, stat.size);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const start = Math.max(0, Math.min(offset, this.size));
    const want = Math.max(0, Math.min(length, this.size - start));
    const buf = new Uint8Array(want);
    let got = 0;
    // A positional read may return fewer bytes than asked; loop until done or end of file.
    while (got < want) {
      const { bytesRead } = await this.handle.read(buf, got, want - got, start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === want ? buf : buf.subarray(0, got);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** Opens a file, runs fn with it, and always closes it. */
export async function withFileSource<T>(path: string, fn: (src: ByteSource) => Promise<T>): Promise<T> {
  const src = await NodeByteSource.open(path);
  try {
    return await fn(src);
  } finally {
    await src.close();
  }
}
