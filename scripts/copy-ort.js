// Copies the onnxruntime-web runtime files the webview loads at run time into media/ort/ (git-ignored).
// The JS API itself is bundled into the webview by esbuild from 'onnxruntime-web/webgpu'
// (dist/ort.webgpu.bundle.min.mjs); that bundle fetches its WebAssembly glue and binary from
// ort.env.wasm.wasmPaths, so exactly these two files must sit there. Nothing is fetched from a CDN.
const fs = require('fs');
const path = require('path');

/** The asyncify build serves both the native WebGPU EP and the WASM EP of the webgpu bundle. */
const ORT_RUNTIME_FILES = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];

const outDir = path.join(__dirname, '..', 'media', 'ort');

function copyOrtRuntime() {
  fs.mkdirSync(outDir, { recursive: true });
  // Remove anything else, so the packaged extension carries exactly what is loaded.
  for (const name of fs.readdirSync(outDir)) {
    if (!ORT_RUNTIME_FILES.includes(name)) fs.rmSync(path.join(outDir, name), { recursive: true, force: true });
  }
  const copied = [];
  for (const name of ORT_RUNTIME_FILES) {
    // Resolved through the package's exports map, so a hoisted or nested install both work.
    const from = require.resolve(`onnxruntime-web/${name}`);
    const to = path.join(outDir, name);
    const src = fs.statSync(from);
    const dst = fs.existsSync(to) ? fs.statSync(to) : null;
    if (!dst || dst.size !== src.size || dst.mtimeMs < src.mtimeMs) fs.copyFileSync(from, to);
    copied.push({ name, bytes: src.size });
  }
  return copied;
}

if (require.main === module) {
  for (const { name, bytes } of copyOrtRuntime()) {
    console.log(`media/ort/${name}  ${(bytes / 1e6).toFixed(2)} MB (${bytes} bytes)`);
  }
}

module.exports = { copyOrtRuntime, ORT_RUNTIME_FILES };
