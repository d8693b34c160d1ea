// Messages between the extension host and the side panel's webview. One union per direction; requests
// carry an id and every reply is either {ok:true,value} or {ok:false,error}, so a host-side failure never
// leaves the webview waiting. Both sides import this file: it must stay free of `vscode` and the DOM.
import type { LearnedTableData } from './core/formats/learnedPayload';

/** Scaling methods the panel can compare; `current` is the config as written. */
export const PANEL_METHODS = ['current', 'linear', 'dynamic', 'yarn', 'llama3'] as const;
export type PanelMethod = (typeof PANEL_METHODS)[number];

export const BACKEND_SETTINGS = ['auto', 'webgpu', 'wasm'] as const;
export type BackendSetting = (typeof BACKEND_SETTINGS)[number];

// ---- requests (webview → host) and their results ----

export interface AnalyzeParams {
  /** Target length in tokens (null: what the config claims). */
  target: number | null;
  methods: PanelMethod[];
  /** Layer variant label (`sliding_attention`, …) or null for the first/only encoding. */
  layer: string | null;
  /** Sequence length for dynamic/longrope (null: the target). */
  seqLen: number | null;
  /** learnedKey of the table the webview holds decoded: a reply for the same table leaves its data out. */
  haveLearned?: string | null;
}

/** The frequencies of one compared method; the webview derives every chart from these. */
export interface MethodSeries {
  method: PanelMethod;
  label: string;
  invFreq: number[];
  attentionFactor: number;
}

export interface PanelData {
  document: { name: string; version: number };
  /** Every encoding in the file as `scope/layer` labels, for the layer select. */
  layers: { id: string | null; label: string }[];
  layer: string | null;
  kind: string;
  trainedContext: number | null;
  maxContext: number | null;
  target: number;
  seqLen: number;
  summary: string;
  /** RoPE only: the unscaled θᵢ = b^(−2i/d), and each requested method's frequencies. */
  original: number[] | null;
  series: MethodSeries[];
  /** Methods that could not be applied, with why (shown next to the checkboxes). */
  skipped: { method: PanelMethod; reason: string }[];
  alibi: { slopes: number[]; maxBias: number } | null;
  t5: { numBuckets: number; maxDistance: number; bidirectional: boolean } | null;
  sinusoidal: { dim: number; base: number } | null;
  /** 2D patch grids (ViT family, MAE): the trained grid and where interpolate_pos_encoding resizes it. */
  vision?: VisionPanelData | null;
  /** M-RoPE (Qwen2-VL and later): which frequency pairs rotate with which position axis. */
  mrope?: MropePanelData | null;
  /** A learned position table from safetensors weights (the opened file, or the weights beside a config). */
  learned?: LearnedPanelData | null;
}

export interface VisionPanelData {
  /** `learned`: a trained table (ViT, DeiT, CLIP, …); `sincos`: MAE's fixed 2D sin-cos table. */
  table: 'learned' | 'sincos';
  modelType: string | null;
  imageSize: number;
  patchSize: number;
  /** Side N of the trained N×N patch grid. */
  grid: number;
  hasCls: boolean;
  /** Embedding width (hidden_size); null when the config does not say. */
  dim: number | null;
  /** The resolution the panel resizes to: the target length as positions (1 + M²), else 384 px. */
  targetImageSize: number;
  targetGrid: number;
  /** Why the table cannot be drawn (e.g. a sin-cos width that is not a multiple of 4), else null. */
  problem: string | null;
}

export interface MropePanelData {
  /** `mrope_section`: frequency pairs per axis (temporal, height, width). */
  sections: number[];
  interleaved: boolean;
  /** Axis of every frequency pair; null when the sections do not fit the rotary dimension (see problem). */
  axes: ('t' | 'h' | 'w')[] | null;
  problem: string | null;
  /** The config's θᵢ, one per pair. */
  invFreq: number[];
  /** One example image through the processor's resize and get_rope_index. */
  example: {
    imagePixels: [number, number];
    resized: [number, number];
    /** Language-model grid (after the spatial merge): t, h, w tokens. */
    grid: { t: number; h: number; w: number };
    textBefore: number;
    nextText: number;
  } | null;
}

export interface ExportParams {
  /** Suggested file name, e.g. `score.csv`. */
  fileName: string;
  kind: 'png' | 'csv';
  /** PNG as base64 (no data: prefix) or CSV text. */
  data: string;
}

export interface LearnedPanelData {
  /** The weights file it comes from (`model.safetensors`, a shard, or the opened file's name). */
  source: string;
  /** The sampled rows (validated with parseLearnedTable on receipt); null until read: a config's weights are read on request. */
  table: LearnedTableData | null;
  /** Why no table can be shown (none in the weights, unsupported dtype, unreadable), else null. */
  problem: string | null;
}

/** Reads the learned table of the followed config's weights; later analyze replies carry it. */
export interface LearnedParams {
  layer: string | null;
}

export interface RequestMap {
  analyze: { params: AnalyzeParams; result: PanelData };
  export: { params: ExportParams; result: { saved: boolean } };
  learned: { params: LearnedParams; result: { loaded: boolean; problem: string | null } };
}
export type RequestMethod = keyof RequestMap;

export type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

// ---- webview → host ----

export interface ReadyMessage {
  type: 'ready';
}
export interface RequestMessage<M extends RequestMethod = RequestMethod> {
  type: 'request';
  id: number;
  method: M;
  params: RequestMap[M]['params'];
}
/** Timings and backend of a finished render, for the log (and the browser test). */
export interface RenderedMessage {
  type: 'rendered';
  backend: string;
  ms: number;
  computeMs: number;
  fallbackReason: string | null;
  /** Milliseconds per render phase (request, controls, each chart), for the log and the benchmark. */
  phases: Record<string, number>;
}
export interface LogMessage {
  type: 'log';
  level: 'info' | 'warn' | 'error';
  message: string;
}
export type WebviewMessage = ReadyMessage | RequestMessage | RenderedMessage | LogMessage;

// ---- host → webview ----

/** Answer to the ready handshake: everything the webview needs before its first request. */
export interface InitMessage {
  type: 'init';
  backend: BackendSetting;
  document: { name: string; version: number } | null;
}
export interface ResponseMessage {
  type: 'response';
  id: number;
  reply: Reply<unknown>;
}
/** The followed document changed (another editor, or an edit after the debounce): ask again. */
export interface DocumentChangedMessage {
  type: 'documentChanged';
  document: { name: string; version: number } | null;
}
export interface SettingsMessage {
  type: 'settings';
  backend: BackendSetting;
}
export type HostMessage = InitMessage | ResponseMessage | DocumentChangedMessage | SettingsMessage;

// ---- validation of everything the webview sends (it is a browser context: treat it as untrusted) ----

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPosInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
/** The largest target length the panel accepts (and draws, with sampled distances past 4M). */
export const MAX_TARGET = 2 ** 31;
const isLenOrNull = (v: unknown): boolean => v === null || (isPosInt(v) && v <= MAX_TARGET);

function parseParams(method: RequestMethod, p: unknown): string | null {
  if (!isObj(p)) return 'params must be an object';
  if (method === 'analyze') {
    if (!isLenOrNull(p['target'])) return 'target must be a positive integer ≤ 2^31 or null';
    if (!isLenOrNull(p['seqLen'])) return 'seqLen must be a positive integer ≤ 2^31 or null';
    if (!(p['layer'] === null || typeof p['layer'] === 'string')) return 'layer must be a string or null';
    const have = p['haveLearned'];
    if (!(have === undefined || have === null || (typeof have === 'string' && have.length <= 1000))) return 'haveLearned must be a short string or null';
    const m = p['methods'];
    if (!Array.isArray(m) || m.length > PANEL_METHODS.length || !m.every((x) => (PANEL_METHODS as readonly unknown[]).includes(x))) return 'methods must be a list of known methods';
    return null;
  }
  if (method === 'learned') return p['layer'] === null || (typeof p['layer'] === 'string' && p['layer'].length <= 500) ? null : 'layer must be a short string or null';
  if (typeof p['fileName'] !== 'string' || !/^[\w.-]{1,100}$/.test(p['fileName'])) return 'fileName must be a plain file name';
  if (p['kind'] !== 'png' && p['kind'] !== 'csv') return 'kind must be png or csv';
  if (typeof p['data'] !== 'string' || p['data'].length > 50_000_000) return 'data must be a string under 50 MB';
  return null;
}

/** Validates a message from the webview; the host acts only on what passes. */
export function parseWebviewMessage(raw: unknown): Parsed<WebviewMessage> {
  if (!isObj(raw)) return { ok: false, error: 'message is not an object' };
  switch (raw['type']) {
    case 'ready':
      return { ok: true, value: { type: 'ready' } };
    case 'request': {
      const { id, method, params } = raw;
      if (!(typeof id === 'number' && Number.isSafeInteger(id) && id >= 0)) return { ok: false, error: 'request id must be a non-negative integer' };
      if (method !== 'analyze' && method !== 'export' && method !== 'learned') return { ok: false, error: `unknown request method ${JSON.stringify(method)}` };
      const bad = parseParams(method, params);
      if (bad) return { ok: false, error: `${method}: ${bad}` };
      return { ok: true, value: { type: 'request', id, method, params } as RequestMessage };
    }
    case 'rendered': {
      const { backend, ms, computeMs, fallbackReason, phases } = raw;
      if (typeof backend !== 'string' || typeof ms !== 'number' || typeof computeMs !== 'number' || !(fallbackReason === null || typeof fallbackReason === 'string')) {
        return { ok: false, error: 'rendered: backend, ms, computeMs, fallbackReason have the wrong types' };
      }
      const entries = isObj(phases) ? Object.entries(phases) : null;
      if (!entries || entries.length > 20 || !entries.every(([k, v]) => /^[\w-]{1,40}$/.test(k) && typeof v === 'number' && Number.isFinite(v))) {
        return { ok: false, error: 'rendered: phases must map at most 20 short names to finite numbers' };
      }
      return { ok: true, value: { type: 'rendered', backend: backend.slice(0, 40), ms, computeMs, fallbackReason: fallbackReason?.slice(0, 500) ?? null, phases: Object.fromEntries(entries) as Record<string, number> } };
    }
    case 'log': {
      const { level, message } = raw;
      if ((level !== 'info' && level !== 'warn' && level !== 'error') || typeof message !== 'string') return { ok: false, error: 'log: level or message invalid' };
      return { ok: true, value: { type: 'log', level, message: message.slice(0, 2000) } };
    }
    default:
      return { ok: false, error: `unknown message type ${JSON.stringify(raw['type'])}` };
  }
}
