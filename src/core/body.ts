import { AuthError } from "./errors.js";

/** Largest request body accepted (1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads and parses a request body: JSON or form-urlencoded, at most 1 MiB.
 * Empty body -> undefined. Other content types -> 415; too large -> 413; bad JSON -> 400.
 */
export async function readBody(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new AuthError(413, "PAYLOAD_TOO_LARGE");
  if (!request.body) return undefined;
  const bytes = await readLimited(request.body);
  if (bytes.length === 0) return undefined;
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const text = new TextDecoder().decode(bytes);
  if (type === "application/json" || type.endsWith("+json") || type === "") {
    try {
      return JSON.parse(text);
    } catch (cause) {
      if (type === "") throw new AuthError(415, "UNSUPPORTED_MEDIA_TYPE");
      throw new AuthError(400, "INVALID_JSON", { cause });
    }
  }
  if (type === "application/x-www-form-urlencoded") {
    const out: Record<string, string> = Object.create(null);
    for (const [k, v] of new URLSearchParams(text)) out[k] = v;
    return { ...out };
  }
  if (type === "text/plain") {
    // Some clients (sendBeacon) post JSON as text/plain.
    try {
      return JSON.parse(text);
    } catch {
      throw new AuthError(415, "UNSUPPORTED_MEDIA_TYPE");
    }
  }
  throw new AuthError(415, "UNSUPPORTED_MEDIA_TYPE");
}

async function readLimited(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new AuthError(413, "PAYLOAD_TOO_LARGE");
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
