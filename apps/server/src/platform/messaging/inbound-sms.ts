import type { Database } from '../db/connect.ts';
import type { InboundSms } from './sms-providers.ts';

/**
 * Who else takes a customer's inbound SMS once the survey replies have passed on it (it answered
 * no pending invitation): complaint intake registers here. The first handler that takes it wins;
 * handlers run in registration order, each in its own transaction.
 */
export type InboundSmsHandler = (database: Database, tenantId: string, sms: InboundSms & { provider: string; receivedAt: Date }) => Promise<boolean>;

const handlers: { name: string; handle: InboundSmsHandler }[] = [];

export function registerInboundSmsHandler(name: string, handle: InboundSmsHandler): void {
  if (!handlers.some((h) => h.name === name)) handlers.push({ name, handle });
}

/** The name of the handler that took the message, or undefined. */
export async function passOnInboundSms(database: Database, tenantId: string, sms: InboundSms & { provider: string; receivedAt: Date }): Promise<string | undefined> {
  for (const { name, handle } of handlers) if (await handle(database, tenantId, sms)) return name;
  return undefined;
}
