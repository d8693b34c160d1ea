// The GGUF header reader on files written by the test: a good llama-like file with a 200k-token
// vocabulary, and every kind of broken header, each of which must end in a finding, quickly.
import { strict as assert } from 'node:assert';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MemoryByteSource, type ByteSource } from '../../src/core/formats/byteSource';
import { GGUF_TYPE, readGgufHeader, type GgufArray, type GgufHeader } from '../../src/core/formats/gguf';
import { NodeByteSource } from '../../src/cli/nodeByteSource';
import { ByteWriter, GgufBuilder } from './helpers/binaryWriters';

const T = { timeout: 10_000 };

function llamaYarn(vocab = 200_000): GgufBuilder {
  const tokens = Array.from({ length: vocab }, (_, i) => `tok${i}`);
  return new GgufBuilder()
    .str('general.architecture', 'llama')
    .u32('general.alignment', 32)
    .u32('llama.context_length', 131072)
    .u32('llama.embedding_length', 4096)
    .u32('llama.attention.head_count', 32)
    .u32('llama.rope.dimension_count', 128)
    .f32('llama.rope.freq_base', 500000)
    .str('llama.rope.scaling.type', 'yarn')
    .f32('llama.rope.scaling.factor', 4)
    .u32('llama.rope.scaling.original_context_length', 32768)
    .f32('llama.rope.scaling.yarn_beta_fast', 32)
    .f32('llama.rope.scaling.yarn_beta_slow', 1)
    .arr('tokenizer.ggml.tokens', GGUF_TYPE.STRING, tokens)
    .arr('tokenizer.ggml.scores', GGUF_TYPE.FLOAT32, tokens.map(() => 0))
    .kv('general.file_type', GGUF_TYPE.UINT64, 7)
    .tensor('token_embd.weight', [4096, 8], 0, 0)
    .tensor('rope_freqs.weight', [64], 0, 4096 * 8 * 4);
}

const codes = (h: GgufHeader): string[] => h.findings.map((f) => f.code);
const read = (bytes: Uint8Array, limits = {}): Promise<GgufHeader> => readGgufHeader(new MemoryByteSource(bytes), limits);

describe('GGUF header: a good file', () => {
  const file = llamaYarn().build({ dataBytes: 4096 * 8 * 4 + 64 * 4 });

  it('reads metadata, skips the 200k-token vocabulary, and lists tensors', T, async () => {
    const t0 = performance.now();
    const h = await read(file);
    const ms = performance.now() - t0;
    assert.deepEqual(h.findings, []);
    assert.equal(h.version, 3);
    assert.equal(h.complete, true);
    assert.equal(h.kv.get('general.architecture'), 'llama');
    assert.equal(h.kv.get('llama.context_length'), 131072);
    assert.equal(h.kv.get('llama.rope.scaling.factor'), 4);
    assert.equal(h.kvTypes.get('llama.rope.scaling.factor'), GGUF_TYPE.FLOAT32);
    assert.equal(h.kv.get('general.file_type'), 7);
    const tokens = h.kv.get('tokenizer.ggml.tokens') as GgufArray;
    assert.equal(tokens.count, 200_000);
    assert.equal(tokens.complete, false);
    assert.equal(tokens.items.length, 16);
    assert.equal(tokens.items[3], 'tok3');
    assert.deepEqual(h.tensors.map((t) => t.name), ['token_embd.weight', 'rope_freqs.weight']);
    assert.deepEqual(h.tensors[1]?.dims, [64]);
    assert.equal(h.dataOffset! % 32, 0);
    assert.ok(ms < 2000, `took ${ms} ms`);
  });

  it('reads the file through small chunked reads without asking for the whole file', T, async () => {
    let largest = 0;
    const inner = new MemoryByteSource(file);
    const src: ByteSource = { size: inner.size, read: (o, n) => { largest = Math.max(largest, n); return inner.read(o, n); } };
    const h = await readGgufHeader(src);
    assert.equal(h.complete, true);
    assert.ok(largest <= 1 << 20, `largest read ${largest}`);
  });

  it('reads a big-endian file', T, async () => {
    const h = await read(new GgufBuilder({ bigEndian: true }).str('general.architecture', 'llama').u32('llama.context_length', 4096).f32('llama.rope.freq_base', 10000).build());
    assert.equal(h.littleEndian, false);
    assert.equal(h.kv.get('llama.context_length'), 4096);
    assert.equal(h.kv.get('llama.rope.freq_base'), 10000);
    assert.deepEqual(codes(h), ['gguf.big-endian']);
  });
});

describe('GGUF header: broken files end in findings', () => {
  const small = new GgufBuilder().str('general.architecture', 'llama').u32('llama.context_length', 4096)
    .arr('llama.rope.dimension_sections', GGUF_TYPE.INT32, [16, 24, 24, 0]).tensor('a.weight', [4], 0, 0).build({ dataBytes: 16 });

  it('truncated at every byte: never throws, reports truncation', T, async () => {
    for (let cut = 0; cut < small.length - 16; cut++) {
      const h = await read(small.subarray(0, cut));
      // Past the tensor table only the data is missing: the header is complete, the tensors lie outside.
      assert.ok(!h.complete || codes(h).includes('gguf.tensor-out-of-range'), `cut ${cut}`);
      assert.ok(h.findings.some((f) => f.severity === 'error'), `cut ${cut}: ${codes(h)}`);
    }
    const h = await read(small.subarray(0, 40));
    assert.ok(codes(h).includes('gguf.truncated'));
    assert.equal(h.kv.get('general.architecture'), undefined);
  });

  it('keeps what was read before the damage', T, async () => {
    const h = await read(small.subarray(0, small.length - 40));
    assert.equal(h.kv.get('general.architecture'), 'llama');
    assert.equal(h.complete, false);
  });

  it('wrong magic', T, async () => {
    const h = await read(new GgufBuilder().build({ magic: 'GGML' }));
    assert.deepEqual(codes(h), ['gguf.bad-magic']);
    assert.match(h.findings[0]!.message, /47 47 4d 4c/);
  });

  it('unknown version', T, async () => {
    assert.deepEqual(codes(await read(new GgufBuilder({ version: 7 }).build())), ['gguf.unsupported-version']);
    assert.deepEqual(codes(await read(new GgufBuilder({ version: 1 }).build())), ['gguf.unsupported-version']);
  });

  it('absurd kv_count (1e18)', T, async () => {
    const h = await read(new GgufBuilder().str('general.architecture', 'llama').build({ kvCount: 10n ** 18n }));
    assert.deepEqual(codes(h), ['gguf.kv-count-too-large']);
  });

  it('absurd tensor_count keeps the metadata', T, async () => {
    const h = await read(new GgufBuilder().str('general.architecture', 'llama').build({ tensorCount: 10n ** 18n }));
    assert.deepEqual(codes(h), ['gguf.tensor-count-too-large']);
    assert.equal(h.kv.get('general.architecture'), 'llama');
  });

  it('string length larger than the file', T, async () => {
    const w = new ByteWriter().bytes(new TextEncoder().encode('GGUF')).u32(3).u64(0).u64(1);
    w.u64(2n ** 40n).bytes(new TextEncoder().encode('general.architecture'));
    assert.deepEqual(codes(await read(w.result())), ['gguf.string-past-end']);
    const v = new ByteWriter().bytes(new TextEncoder().encode('GGUF')).u32(3).u64(0).u64(1).str('k').u32(GGUF_TYPE.STRING).u64(2n ** 63n);
    assert.deepEqual(codes(await read(v.result())), ['gguf.string-past-end']);
  });

  it('key longer than the cap', T, async () => {
    const h = await read(new GgufBuilder().str('x'.repeat(300), 'v').build(), { maxKeyLength: 256 });
    assert.deepEqual(codes(h), ['gguf.key-too-long']);
  });

  it('absurd array count', T, async () => {
    const w = new ByteWriter().bytes(new TextEncoder().encode('GGUF')).u32(3).u64(0).u64(1).str('tokenizer.ggml.tokens');
    w.u32(GGUF_TYPE.ARRAY).u32(GGUF_TYPE.STRING).u64(10n ** 18n).str('a');
    assert.deepEqual(codes(await read(w.result())), ['gguf.array-count-too-large']);
  });

  it('arrays nested too deep', T, async () => {
    const w = new ByteWriter().bytes(new TextEncoder().encode('GGUF')).u32(3).u64(0).u64(1).str('deep').u32(GGUF_TYPE.ARRAY);
    for (let i = 0; i < 100; i++) w.u32(GGUF_TYPE.ARRAY).u64(1);
    w.u32(GGUF_TYPE.UINT8).u64(1).u8(1);
    const h = await read(w.result());
    assert.deepEqual(codes(h), ['gguf.array-too-deep']);
    assert.equal(h.findings[0]?.key, 'deep');
  });

  it('unknown value type', T, async () => {
    assert.deepEqual(codes(await read(new GgufBuilder().kv('k', 13, 0).build())), ['gguf.bad-type']);
  });

  it('non-UTF-8 key bytes: reported, reading goes on', T, async () => {
    const h = await read(new GgufBuilder().kv(new Uint8Array([0x6c, 0xff, 0xfe, 0x61]), GGUF_TYPE.UINT32, 1).str('general.architecture', 'llama').build());
    assert.deepEqual(codes(h), ['gguf.key-not-utf8']);
    assert.equal(h.kv.get('general.architecture'), 'llama');
    assert.equal(h.complete, true);
  });

  it('tensor offsets outside the file', T, async () => {
    const h = await read(new GgufBuilder().str('general.architecture', 'llama').tensor('big.weight', [1024, 1024], 0, 0).tensor('far.weight', [4], 2, 2 ** 40).build({ dataBytes: 64 }));
    assert.deepEqual(codes(h), ['gguf.tensor-out-of-range']);
    assert.match(h.findings[0]!.message, /big\.weight, far\.weight/);
  });

  it('too many dimensions', T, async () => {
    assert.deepEqual(codes(await read(new GgufBuilder().tensor('t', [1, 1, 1, 1, 1, 1, 1, 1, 1]).build())), ['gguf.bad-tensor']);
  });

  it('header larger than the walk budget', T, async () => {
    const h = await read(llamaYarn(20_000).build(), { maxHeaderBytes: 4096 });
    assert.deepEqual(codes(h), ['gguf.header-too-large']);
  });

  it('long string values keep a prefix and a warning', T, async () => {
    const h = await read(new GgufBuilder().str('tokenizer.chat_template', 'x'.repeat(5000)).str('general.architecture', 'llama').build(), { maxStringLength: 1000 });
    assert.deepEqual(codes(h), ['gguf.string-too-long']);
    assert.equal(h.kv.get('general.architecture'), 'llama');
    assert.equal((h.kv.get('tokenizer.chat_template') as string).length, 257);
  });

  it('random corruption never throws', T, async () => {
    let s = 12345;
    const rand = (n: number): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % n);
    for (let i = 0; i < 300; i++) {
      const bytes = small.slice();
      for (let k = 0; k < 1 + rand(4); k++) bytes[rand(bytes.length)] = rand(256);
      const h = await read(bytes);
      assert.ok(Array.isArray(h.findings));
    }
  });

  it('a failing source becomes a finding', T, async () => {
    const src: ByteSource = { size: 100, read: async () => { throw new Error('EIO'); } };
    const h = await readGgufHeader(src);
    assert.deepEqual(codes(h), ['gguf.read-failed']);
  });
});

describe('GGUF header: a 10 GB sparse file through the Node ByteSource', () => {
  it('reads the header in milliseconds and cleans up', T, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pelens-gguf-'));
    try {
      const path = join(dir, 'big.gguf');
      const header = llamaYarn(1000).tensor('blk.0.attn_q.weight', [4096, 4096], 1, 2 ** 33).build();
      const fh = await open(path, 'w');
      await fh.write(header, 0, header.length, 0);
      await fh.truncate(10 * 2 ** 30);
      await fh.close();
      const src = await NodeByteSource.open(path);
      try {
        assert.equal(src.size, 10 * 2 ** 30);
        const t0 = performance.now();
        const h = await readGgufHeader(src);
        const ms = performance.now() - t0;
        assert.deepEqual(h.findings, []);
        assert.equal(h.tensors.length, 3);
        assert.ok(ms < 500, `took ${ms} ms`);
      } finally {
        await src.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
