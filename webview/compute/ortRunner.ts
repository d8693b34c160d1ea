/// <reference lib="dom" />
// Runs the side panel's ONNX graphs with onnxruntime-web inside the webview: WebGPU when a real (hardware)
// adapter exists, else WASM; a WebGPU failure falls back to WASM and says why. Everything loads from the
// extension's own files (the caller passes the webview URI of media/ort/), never from a CDN.
import * as ort from 'onnxruntime-web/webgpu';
import { graphModel, type GraphName } from '../../src/core/onnx/graphs';
import type { GraphJob } from '../../src/core/onnx/jobs';
import { runJob } from '../../src/core/onnx/runJob';

export type Backend = 'webgpu' | 'wasm';
/** The user setting: `auto` picks WebGPU only on a hardware adapter; the others force a backend. */
export type BackendSetting = 'auto' | Backend;

export interface OrtRunnerOptions {
  /** Base URL of the copied ORT runtime files (webview.asWebviewUri(media/ort/)), with or without a trailing slash. */
  wasmBase: string;
  backend: BackendSetting;
}

export interface RunOutcome<R> {
  backend: Backend;
  /** Wall time of this run (tensor upload, inference, read-back, finish); excludes session creation. */
  ms: number;
  /** Set when the run was meant for WebGPU but went to WASM; `fallbackReason` says why. */
  fellBackFrom?: 'webgpu';
  fallbackReason?: string;
  result: R;
}

/** Just the WebGPU surface we probe; lib.dom's WebGPU typings vary between TypeScript versions. */
interface GpuAdapterLike {
  info?: { isFallbackAdapter?: boolean; vendor?: string; architecture?: string };
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(): Promise<GpuAdapterLike | null>;
}

/** Decides whether `auto` may use WebGPU: null when it may, else the reason it may not. */
export async function webGpuUnavailableReason(): Promise<string | null> {
  const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) return 'navigator.gpu is not available';
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return `requestAdapter failed: ${describe(e)}`;
  }
  if (!adapter) return 'no WebGPU adapter';
  // A software adapter (SwiftShader) computes correctly but slower than WASM and with coarser sin/cos.
  const fallback = adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter;
  if (fallback !== false) return fallback ? 'only a fallback (software) WebGPU adapter' : 'adapter does not say whether it is a fallback';
  return null;
}

export class OrtRunner {
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>();
  /** Graphs whose WebGPU session or run failed, with the reason; they run on WASM from then on. */
  private readonly webGpuFailures = new Map<GraphName, string>();

  private constructor(
    /** The backend runs go to first. */
    readonly preferred: Backend,
    /** Why `auto` chose WASM, for the log and the panel (null when WebGPU was chosen or WASM forced). */
    readonly whyNotWebGpu: string | null,
  ) {}

  static async create(options: OrtRunnerOptions): Promise<OrtRunner> {
    ort.env.wasm.wasmPaths = options.wasmBase.endsWith('/') ? options.wasmBase : `${options.wasmBase}/`;
    // A webview is not cross-origin isolated: no SharedArrayBuffer, so no threads and no proxy worker.
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    if (options.backend !== 'auto') return new OrtRunner(options.backend, null);
    const reason = await webGpuUnavailableReason();
    return new OrtRunner(reason === null ? 'webgpu' : 'wasm', reason);
  }

  /** Runs a job; WebGPU errors (session or run) fall back to WASM for that graph. */
  async run<R>(job: GraphJob<R>): Promise<RunOutcome<R>> {
    if (this.preferred === 'webgpu' && !this.webGpuFailures.has(job.graph)) {
      try {
        return await this.runOn('webgpu', job);
      } catch (e) {
        this.webGpuFailures.set(job.graph, describe(e));
        await this.drop(job.graph, 'webgpu');
      }
    }
    const outcome = await this.runOn('wasm', job);
    const reason = this.webGpuFailures.get(job.graph);
    return reason === undefined || this.preferred !== 'webgpu' ? outcome : { ...outcome, fellBackFrom: 'webgpu', fallbackReason: reason };
  }

  /** Releases every cached session. */
  async dispose(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(all.map(async (s) => (await s).release()));
  }

  private async runOn<R>(backend: Backend, job: GraphJob<R>): Promise<RunOutcome<R>> {
    const session = await this.session(job.graph, backend);
    const t0 = performance.now();
    const result = await runJob(session, (data, dims) => new ort.Tensor('float32', data, dims), job);
    return { backend, ms: performance.now() - t0, result };
  }

  /** One session per graph and backend, created once; a failed creation is forgotten so it can be retried. */
  private session(graph: GraphName, backend: Backend): Promise<ort.InferenceSession> {
    const key = `${graph}:${backend}`;
    let session = this.sessions.get(key);
    if (!session) {
      session = ort.InferenceSession.create(graphModel(graph), { executionProviders: [backend], graphOptimizationLevel: 'all' });
      this.sessions.set(key, session);
      session.catch(() => this.sessions.delete(key));
    }
    return session;
  }

  private async drop(graph: GraphName, backend: Backend): Promise<void> {
    const key = `${graph}:${backend}`;
    const session = this.sessions.get(key);
    this.sessions.delete(key);
    if (!session) return;
    try {
      await (await session).release();
    } catch (e) {
      // The session never existed or the device is gone; the WASM path does not depend on it.
      console.warn(`[ortRunner] releasing ${key}: ${describe(e)}`);
    }
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
