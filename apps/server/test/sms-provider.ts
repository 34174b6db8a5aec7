import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { twilioSignature } from '../src/platform/messaging/sms-providers.ts';

/** A send request as the provider server received it. */
export interface ProviderSend {
  provider: 'kavenegar' | 'twilio';
  /** form fields */
  params: Record<string, string>;
  /** the provider's id for the message */
  providerMessageId: string;
}

export interface SmsProviderServer {
  /** base URL to put in the channel settings (`baseUrl`) */
  url: string;
  sends: ProviderSend[];
  /** requests refused for bad credentials */
  refused: number;
  /**
   * The next `times` sends of that provider fail: Kavenegar with this return.status (e.g.
   * 418 no credit, 411 invalid receptor, 500), Twilio with this HTTP status (400 invalid
   * number, 429, 503).
   */
  failNext(provider: 'kavenegar' | 'twilio', times: number, status: number): void;
  /** Posts a Kavenegar delivery report (`messageid`, `status`, form-encoded) to the URL configured in the panel. */
  kavenegarReport(callbackUrl: string, messageId: string, status: number): Promise<number>;
  /** Posts a Twilio status callback to the StatusCallback the send gave, signed with the auth token (or `signWith`). Returns the HTTP status. */
  twilioReport(sid: string, status: 'delivered' | 'undelivered' | 'failed' | 'sent', options?: { errorCode?: string; signWith?: string }): Promise<number>;
  /** Posts an incoming SMS to `url` the way Twilio's messaging webhook does, signed with the auth token (or `signWith`). Returns the HTTP status. */
  twilioInbound(url: string, from: string, body: string, options?: { signWith?: string }): Promise<number>;
  close(): Promise<void>;
}

export interface SmsProviderOptions {
  kavenegar?: { apiKey: string };
  twilio?: { accountSid: string; authToken: string };
}

async function readForm(req: http.IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/**
 * A local HTTP server speaking the documented send APIs of Kavenegar
 * (`POST /v1/{API-KEY}/sms/send.json`) and Twilio (`POST /2010-04-01/Accounts/{Sid}/Messages.json`
 * with Basic auth), answering in their documented JSON, and able to call back with delivery
 * reports the way each provider does.
 */
export async function smsProviderServer(options: SmsProviderOptions): Promise<SmsProviderServer> {
  const sends: ProviderSend[] = [];
  const failures: Record<string, { times: number; status: number } | undefined> = {};
  const statusCallbacks = new Map<string, { url: string; to: string; from: string }>();
  let refused = 0;
  let kavenegarIds = 800_000_000;

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://provider');
      const kavenegarPath = /^\/v1\/([^/]+)\/sms\/send\.json$/.exec(url.pathname);
      const twilioPath = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(url.pathname);
      if (req.method === 'POST' && kavenegarPath && options.kavenegar) {
        const params = { ...Object.fromEntries(url.searchParams), ...(await readForm(req)) };
        if (decodeURIComponent(kavenegarPath[1]!) !== options.kavenegar.apiKey) {
          refused += 1;
          return json(res, 403, { return: { status: 403, message: 'کلید API معتبر نمی‌باشد' }, entries: null });
        }
        const failure = failures.kavenegar;
        if (failure && failure.times > 0) {
          failure.times -= 1;
          return json(res, failure.status, { return: { status: failure.status, message: `error ${failure.status}` }, entries: null });
        }
        if (!params.receptor || !params.message) return json(res, 400, { return: { status: 400, message: 'پارامترها ناقص هستند' }, entries: null });
        const messageid = ++kavenegarIds;
        sends.push({ provider: 'kavenegar', params, providerMessageId: String(messageid) });
        return json(res, 200, {
          return: { status: 200, message: 'تایید شد' },
          entries: [{ messageid, message: params.message, status: 1, statustext: 'در صف ارسال', sender: params.sender ?? '10004346', receptor: params.receptor, date: Math.floor(Date.now() / 1000), cost: 120 }],
        });
      }
      if (req.method === 'POST' && twilioPath && options.twilio) {
        const params = await readForm(req);
        const expected = `Basic ${Buffer.from(`${options.twilio.accountSid}:${options.twilio.authToken}`).toString('base64')}`;
        if (twilioPath[1] !== options.twilio.accountSid || req.headers.authorization !== expected) {
          refused += 1;
          return json(res, 401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
        }
        const failure = failures.twilio;
        if (failure && failure.times > 0) {
          failure.times -= 1;
          const code = failure.status === 400 ? 21211 : failure.status === 429 ? 20429 : 20500;
          return json(res, failure.status, { code, message: `error ${code}`, more_info: `https://www.twilio.com/docs/errors/${code}`, status: failure.status });
        }
        if (!params.To || !params.From || !params.Body) return json(res, 400, { code: 21604, message: "A 'To' phone number is required.", status: 400 });
        const sid = `SM${randomBytes(16).toString('hex')}`;
        sends.push({ provider: 'twilio', params, providerMessageId: sid });
        if (params.StatusCallback) statusCallbacks.set(sid, { url: params.StatusCallback, to: params.To, from: params.From });
        return json(res, 201, {
          sid,
          account_sid: options.twilio.accountSid,
          to: params.To,
          from: params.From,
          body: params.Body,
          status: 'queued',
          num_segments: '1',
          direction: 'outbound-api',
          error_code: null,
          error_message: null,
          date_created: new Date().toUTCString(),
          uri: `/2010-04-01/Accounts/${options.twilio.accountSid}/Messages/${sid}.json`,
        });
      }
      json(res, 404, { message: 'not found' });
    })().catch((err: unknown) => json(res, 500, { message: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const postForm = async (url: string, params: Record<string, string>, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(params) });
    await response.body?.cancel();
    return response.status;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    sends,
    get refused() {
      return refused;
    },
    failNext(provider, times, status) {
      failures[provider] = { times, status };
    },
    kavenegarReport(callbackUrl, messageId, status) {
      return postForm(callbackUrl, { messageid: messageId, status: String(status) });
    },
    twilioReport(sid, status, { errorCode, signWith } = {}) {
      const callback = statusCallbacks.get(sid);
      if (!callback || !options.twilio) throw new Error(`no StatusCallback for ${sid}`);
      const params: Record<string, string> = { AccountSid: options.twilio.accountSid, ApiVersion: '2010-04-01', From: callback.from, To: callback.to, MessageSid: sid, SmsSid: sid, MessageStatus: status, SmsStatus: status };
      if (errorCode) params.ErrorCode = errorCode;
      const signature = twilioSignature(signWith ?? options.twilio.authToken, callback.url, params);
      return postForm(callback.url, params, { 'x-twilio-signature': signature });
    },
    twilioInbound(url, from, body, { signWith } = {}) {
      if (!options.twilio) throw new Error('no Twilio account');
      const sid = `SM${randomBytes(16).toString('hex')}`;
      const params: Record<string, string> = {
        ToCountry: 'US', SmsMessageSid: sid, NumMedia: '0', SmsSid: sid, SmsStatus: 'received', Body: body, To: '+15005550006',
        NumSegments: '1', MessageSid: sid, AccountSid: options.twilio.accountSid, From: from, ApiVersion: '2010-04-01',
      };
      return postForm(url, params, { 'x-twilio-signature': twilioSignature(signWith ?? options.twilio.authToken, url, params) });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
