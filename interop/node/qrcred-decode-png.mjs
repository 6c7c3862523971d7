// Decode a QR code PNG with jsQR (the browser-side decoder ikd's verifier
// page uses), independently of Go. Usage: node qrcred-decode-png.mjs FILE.png
// Prints JSON: {"ok":true,"text":"...","version":15} or {"ok":false,"error":"..."}.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { PNG } = require('pngjs');
const jsQR = require('jsqr');

const out = (o) => { process.stdout.write(JSON.stringify(o) + '\n'); };
try {
  const png = PNG.sync.read(readFileSync(process.argv[2]));
  const code = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
  if (!code) out({ ok: false, error: 'jsQR found no QR code', width: png.width, height: png.height });
  else out({ ok: true, text: code.data, version: code.version, width: png.width, height: png.height });
} catch (e) {
  out({ ok: false, error: String(e && e.stack || e) });
}
