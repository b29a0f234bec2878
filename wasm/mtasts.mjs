// @ts-check
/**
 * mtasts: the public JavaScript API over the WebAssembly core.
 *
 *   import { load } from './mtasts.mjs';
 *   const m = await load();              // instantiates once; later calls reuse it
 *   m.lintPolicy(text)                   // { valid, findings, policy | null }
 *   m.lintStsRecord(textOrStrings)       // { valid, findings, record | null }
 *   m.lintTlsRptRecord(textOrStrings)    // { valid, findings, record | null }
 *   m.mxMatches(pattern, host)           // boolean
 *   m.version                            // "0.1.0"
 *
 * One artifact for browsers and Node 20: in a browser the .wasm is fetched
 * from next to this file (import.meta.url); in Node it is read from disk and
 * handed to the Emscripten glue, whose own loader would try to fetch() a file
 * path. Results are plain objects (parsed from the core's JSON report,
 * schema 1); no C++ handle ever reaches the caller, so there is nothing to
 * free. See mtasts.d.ts for the types.
 */
import createMtastsCore from './mtasts-core.mjs';

/** @type {Promise<import('./mtasts.d.ts').Mtasts> | null} */
let loading = null;

/**
 * Loads and instantiates the module, once. A failed load is not cached, so a
 * later call can retry.
 * @returns {Promise<import('./mtasts.d.ts').Mtasts>}
 */
export function load() {
  if (!loading) {
    loading = instantiate().catch((err) => {
      loading = null;
      throw new Error(`mtasts: could not load the WebAssembly module: ${describe(err)}`, { cause: err });
    });
  }
  return loading;
}

function isNode() {
  return typeof process === 'object' && process !== null && typeof process.versions?.node === 'string' &&
    typeof window === 'undefined';
}

function describe(err) {
  if (err instanceof Error) return err.message;
  return String(err);
}

async function instantiate() {
  /** @type {Record<string, unknown>} */
  const moduleArg = {};
  if (isNode()) {
    const { readFile } = await import('node:fs/promises');
    moduleArg.wasmBinary = await readFile(new URL('./mtasts-core.wasm', import.meta.url));
  } else {
    moduleArg.locateFile = (/** @type {string} */ path) => new URL(path, import.meta.url).href;
  }
  const core = await createMtastsCore(moduleArg);

  const decoder = new TextDecoder();
  /**
   * Calls into the core and parses its JSON answer; never lets a raw value
   * escape. The answer is a view of wasm memory, valid until the next call,
   * so it is decoded at once.
   */
  function call(fn, ...args) {
    let text;
    try {
      text = decoder.decode(fn(...args));
    } catch (err) {
      throw new Error(`mtasts: the WebAssembly core failed: ${describe(err)}`, { cause: err });
    }
    const out = JSON.parse(text);
    if (out && typeof out.error === 'string') throw new Error(`mtasts: ${out.error}`);
    return out;
  }

  /**
   * Text becomes UTF-8 bytes through the native TextEncoder (Emscripten
   * 3.1.6's own encoder is a JS loop: 2 ms of a 5 ms budget for 64 KB); bytes
   * pass through as they are. embind takes a Uint8Array as std::string.
   * (A lone UTF-16 surrogate, which no real text holds, becomes U+FFFD.)
   */
  const encoder = new TextEncoder();
  function textOrBytes(input, what) {
    if (typeof input === 'string') return encoder.encode(input);
    if (input instanceof Uint8Array) return input;
    if (input instanceof ArrayBuffer) return new Uint8Array(input);
    if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    throw new TypeError(`${what} expects a string or bytes (Uint8Array, ArrayBuffer), got ${kindOf(input)}`);
  }

  function kindOf(v) {
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'an array';
    return typeof v;
  }

  /** A TXT record: one string, or the array of its character-strings. */
  function record(input, one, many, what) {
    if (typeof input === 'string') return call(one, input);
    if (Array.isArray(input)) {
      input.forEach((s, i) => {
        if (typeof s !== 'string') throw new TypeError(`${what}: element ${i} of the array is ${kindOf(s)}, not a string`);
      });
      return call(many, input);
    }
    throw new TypeError(`${what} expects a string or an array of strings, got ${kindOf(input)}`);
  }

  const version = core.version();

  return Object.freeze({
    version,
    lintPolicy(text) {
      return call(core.lintPolicy, textOrBytes(text, 'lintPolicy'));
    },
    lintStsRecord(textOrStrings) {
      return record(textOrStrings, core.lintSts, core.lintStsStrings, 'lintStsRecord');
    },
    lintTlsRptRecord(textOrStrings) {
      return record(textOrStrings, core.lintTlsRpt, core.lintTlsRptStrings, 'lintTlsRptRecord');
    },
    mxMatches(pattern, host) {
      if (typeof pattern !== 'string' || typeof host !== 'string') {
        throw new TypeError(`mxMatches expects two strings, got ${kindOf(pattern)} and ${kindOf(host)}`);
      }
      return core.mxMatches(pattern, host);
    },
  });
}
