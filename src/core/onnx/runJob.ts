// Runs a GraphJob on anything shaped like an onnxruntime session, so the webview (onnxruntime-web in a
// browser), the tests and the bench (onnxruntime-web in Node) share one code path without core importing ORT.
import type { GraphJob } from './jobs';

/** The part of `ort.InferenceSession` a job needs. */
export interface SessionLike {
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown }>>;
}

/** Makes an `ort.Tensor('float32', data, dims)`. */
export type MakeTensor = (data: Float32Array, dims: readonly number[]) => unknown;

export async function runJob<R>(session: SessionLike, makeTensor: MakeTensor, job: GraphJob<R>): Promise<R> {
  const feeds: Record<string, unknown> = {};
  for (const [name, feed] of Object.entries(job.feeds)) feeds[name] = makeTensor(feed.data, feed.dims);
  const results = await session.run(feeds);
  const outputs: Record<string, Float32Array> = {};
  for (const name of job.outputs) {
    const data = results[name]?.data;
    if (!(data instanceof Float32Array)) throw new Error(`graph '${job.graph}' gave no float32 output '${name}'`);
    outputs[name] = data;
  }
  return job.finish(outputs);
}
