import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** One message as the SMTP server received it, with the parts a test looks at decoded. */
export interface ReceivedMail {
  /** envelope */
  from: string;
  to: string[];
  raw: string;
  /** header names lower-cased; values unfolded and RFC 2047-decoded */
  headers: Map<string, string>;
  subject: string;
  messageId: string;
  text: string | undefined;
  html: string | undefined;
  /** the AUTH user the client logged in as, if any */
  user: string | undefined;
}

export interface SmtpSink {
  port: number;
  host: string;
  /** parsed messages (empty with countOnly) */
  messages: ReceivedMail[];
  /** how many messages arrived, also with countOnly */
  readonly received: number;
  /** resolves once at least `count` messages arrived */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /**
   * Makes the next RCPT TO / DATA replies fail: `code` 4xx (try again) or 5xx (permanent),
   * `times` times, then accept again.
   */
  failNext(times: number, code: number, message?: string): void;
  /** forgets what was received (between tests) */
  reset(): void;
  close(): Promise<void>;
}

export interface SmtpSinkOptions {
  /** require AUTH with this user and password */
  auth?: { user: string; pass: string };
  /** keep raw text only, no parsing (benchmarks) */
  countOnly?: boolean;
}

/**
 * A real SMTP server (the `smtp-server` package) in this process that keeps what it
 * receives. Plain SMTP without STARTTLS, as a local relay would be.
 */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  let failures: { times: number; code: number; message: string } | undefined;
  let received = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  const settle = () => {
    for (const waiter of [...waiters]) {
      if (received >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const config: SMTPServerOptions = {
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    logger: false,
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) return callback(null, { user: auth.username });
      return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      if (failures && failures.times > 0) {
        failures.times -= 1;
        return callback(Object.assign(new Error(failures.message), { responseCode: failures.code }));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received += 1;
        if (!options.countOnly) {
          const raw = Buffer.concat(chunks).toString('utf8');
          messages.push(parseMail(raw, {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            user: typeof session.user === 'string' ? session.user : undefined,
          }));
        }
        settle();
        callback();
      });
    },
  };
  const server = new SMTPServer(config);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    host: '127.0.0.1',
    messages,
    get received() {
      return received;
    },
    // Generous: 400 messages took longer than 20 s on CI's two busy cores (at e6fe586, embedded run).
    waitFor(count, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`SMTP sink got ${received} of ${count} messages`)), timeoutMs);
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve(messages)) });
        settle();
      });
    },
    failNext(times, code, message = code >= 500 ? 'Mailbox unavailable' : 'Try again later') {
      failures = { times, code, message };
    },
    reset() {
      messages.length = 0;
      received = 0;
      failures = undefined;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// A small MIME reader for what nodemailer writes (multipart/alternative, base64 or
// quoted-printable parts, RFC 2047 words): enough to assert on, not a general parser.

function splitHead(raw: string): { head: string; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  if (at < 0) return { head: raw, body: '' };
  const sep = raw.slice(at).match(/^\r?\n\r?\n/)![0];
  return { head: raw.slice(0, at), body: raw.slice(at + sep.length) };
}

function parseHeaders(head: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  return headers;
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, _charset: string, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(Number.parseInt(h, 16))), 'latin1').toString('utf8'),
    );
}

function decodeBody(body: string, encoding: string | undefined): string {
  if (encoding?.toLowerCase() === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding?.toLowerCase() === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

function collectParts(head: Map<string, string>, body: string, into: { text?: string; html?: string }): void {
  const type = head.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (type.toLowerCase().startsWith('multipart/') && boundary) {
    for (const part of body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break;
      const { head: partHead, body: partBody } = splitHead(part.replace(/^\r?\n/, ''));
      collectParts(parseHeaders(partHead), partBody.replace(/\r?\n$/, ''), into);
    }
    return;
  }
  const text = decodeBody(body, head.get('content-transfer-encoding'));
  if (type.toLowerCase().startsWith('text/html')) into.html ??= text;
  else if (type.toLowerCase().startsWith('text/plain')) into.text ??= text.replace(/\r\n/g, '\n');
}

export function parseMail(raw: string, envelope: { from: string; to: string[]; user: string | undefined }): ReceivedMail {
  const { head, body } = splitHead(raw);
  const headers = parseHeaders(head);
  const parts: { text?: string; html?: string } = {};
  collectParts(headers, body, parts);
  return { ...envelope, raw, headers, subject: headers.get('subject') ?? '', messageId: headers.get('message-id') ?? '', text: parts.text, html: parts.html };
}
