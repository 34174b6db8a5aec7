// The responses screen's address: ?response=<id> opens one response (a link from the customer's
// timeline lands on it). Kept tiny: the route file imports it into the first chunk.
export interface ResponsesSearch {
  response?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseResponsesSearch(raw: Record<string, unknown>): ResponsesSearch {
  return typeof raw.response === 'string' && UUID.test(raw.response) ? { response: raw.response } : {};
}
