import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { Problem, problemBody } from './problem.ts';

/**
 * Bytes Node cannot parse as an HTTP request (a broken request line or header, a bad chunk, a
 * body cut short by a half-closed connection) never reach a route; they still get a
 * problem+json answer, in English since no header could be trusted, and the socket closes.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? new Problem(408, 'request_timeout')
    : error.code === 'HPE_HEADER_OVERFLOW' ? new Problem(431, 'headers_too_large')
    : new Problem(400, 'malformed_request');
  if (socket.writable) {
    const body = JSON.stringify(problemBody(problem, 'en'));
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
