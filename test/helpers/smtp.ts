import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** One message as the SMTP server received it. */
export interface ReceivedMail {
  /** Envelope sender. */
  readonly from: string | undefined;
  /** Envelope recipients. */
  readonly to: readonly string[];
  /** The raw RFC 5322 message. */
  readonly raw: string;
  /** Header "Subject" (unfolded). */
  readonly subject: string;
  /** Decoded bodies (quoted-printable / base64 undone), all MIME parts joined. */
  readonly body: string;
  /** Every http(s) link found in the decoded bodies, in order, de-duplicated. */
  readonly links: readonly string[];
}

/** A real SMTP server on 127.0.0.1 (random port, no auth, no STARTTLS) collecting messages. */
export interface TestSmtpServer {
  readonly port: number;
  /** `smtp://127.0.0.1:<port>`, usable as Gatehouse's `email.transport`. */
  readonly url: string;
  readonly messages: ReceivedMail[];
  /** Resolves with the next message for `to` (or already received and not yet taken). */
  waitFor(to: string, timeoutMs?: number): Promise<ReceivedMail>;
  /** Messages received for an address. */
  to(address: string): ReceivedMail[];
  clear(): void;
  close(): Promise<void>;
}

/** Decodes a quoted-printable body. */
export function decodeQuotedPrintable(text: string): string {
  const softBreaksRemoved = text.replace(/=\r?\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < softBreaksRemoved.length; i++) {
    const c = softBreaksRemoved[i]!;
    const hex = softBreaksRemoved.slice(i + 1, i + 3);
    if (c === "=" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

function header(block: string, name: string): string | undefined {
  const unfolded = block.replace(/\r?\n[ \t]+/g, " ");
  const match = new RegExp(`^${name}:\\s*(.*)$`, "im").exec(unfolded);
  return match?.[1]?.trim();
}

/** Splits a raw message into decoded text of every leaf part. */
export function decodeBodies(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const rest = split < 0 ? "" : raw.slice(split).replace(/^\r?\n\r?\n/, "");
  const type = header(head, "Content-Type") ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    const parts = rest.split(`--${boundary}`).slice(1);
    return parts
      .filter((p) => !p.startsWith("--"))
      .map((p) => decodeBodies(p.replace(/^\r?\n/, "")))
      .join("\n");
  }
  const encoding = (header(head, "Content-Transfer-Encoding") ?? "7bit").toLowerCase();
  if (encoding === "quoted-printable") return decodeQuotedPrintable(rest);
  if (encoding === "base64") return Buffer.from(rest.replace(/\s+/g, ""), "base64").toString("utf8");
  return rest;
}

/** Every http(s) URL in a text, HTML entities for `&` undone, de-duplicated. */
export function extractLinks(text: string): string[] {
  const found = text.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
  return [...new Set(found.map((l) => l.replace(/&amp;/g, "&")))];
}

/** Starts the SMTP server. Close it in `afterAll`. */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const waiters: { to: string; resolve: (m: ReceivedMail) => void }[] = [];
  const taken = new WeakSet<ReceivedMail>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const split = raw.search(/\r?\n\r?\n/);
        const body = decodeBodies(raw);
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          subject: header(split < 0 ? raw : raw.slice(0, split), "Subject") ?? "",
          body,
          links: extractLinks(body),
        };
        messages.push(mail);
        const i = waiters.findIndex((w) => mail.to.includes(w.to));
        if (i >= 0) {
          taken.add(mail);
          waiters.splice(i, 1)[0]!.resolve(mail);
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    to: (address) => messages.filter((m) => m.to.includes(address)),
    waitFor(to, timeoutMs = 5000) {
      const ready = messages.find((m) => m.to.includes(to) && !taken.has(m));
      if (ready) {
        taken.add(ready);
        return Promise.resolve(ready);
      }
      return new Promise<ReceivedMail>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no mail for ${to} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          to,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
    clear() {
      messages.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
