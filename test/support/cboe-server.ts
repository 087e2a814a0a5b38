// A loopback HTTP server on 127.0.0.1 playing CBOE (and FRED): serves bodies per path, plays
// scripted answers first (statuses, HTML pages, broken bodies, a request it never answers),
// and counts requests per path so tests can see retries and shared fetches.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Scripted {
  status?: number;
  body?: string;
  contentType?: string;
  /** Never answer (the client's timeout must fire). */
  hang?: boolean;
}

export interface CboeServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Requests per path (path + query), every attempt counted. */
  count(path: string): number;
  totalRequests(): number;
  /** The default answer for a path (a body is served 200 as JSON, or as CSV for .csv paths). */
  serve(path: string, answer: string | Scripted): void;
  /** One-shot answers, played in order before the default. */
  script(path: string, ...answers: Scripted[]): void;
  /** The User-Agent of the last request to a path. */
  userAgent(path: string): string | undefined;
  close(): Promise<void>;
}

export const quotePath = (symbol: string) => `/api/global/delayed_quotes/quotes/_${symbol}.json`;
export const chainPath = '/api/global/delayed_quotes/options/_SPX.json';
export const historyPath = (file: string) => `/api/global/us_indices/daily_prices/${file}`;
export const fredPath = (series: string) => `/graph/fredgraph.csv?id=${series}`;

const contentTypeFor = (path: string) => (path.includes('.csv') ? 'text/csv' : 'application/json');

export async function startCboeServer(routes: Record<string, string | Scripted> = {}): Promise<CboeServer> {
  const defaults = new Map<string, Scripted>();
  const scripts = new Map<string, Scripted[]>();
  const counts = new Map<string, number>();
  const agents = new Map<string, string | undefined>();
  const serve = (path: string, answer: string | Scripted) =>
    defaults.set(path, typeof answer === 'string' ? { body: answer } : answer);
  for (const [path, answer] of Object.entries(routes)) serve(path, answer);

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/';
    counts.set(path, (counts.get(path) ?? 0) + 1);
    agents.set(path, request.headers['user-agent']);
    const answer = scripts.get(path)?.shift() ??
      defaults.get(path) ?? {
        status: 404,
        body: '<?xml version="1.0"?><Error><Code>NoSuchKey</Code></Error>',
        contentType: 'application/xml',
      };
    if (answer.hang) return; // the socket stays open until close()
    response.writeHead(answer.status ?? 200, { 'content-type': answer.contentType ?? contentTypeFor(path) });
    response.end(answer.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: (path) => counts.get(path) ?? 0,
    totalRequests: () => [...counts.values()].reduce((a, b) => a + b, 0),
    serve,
    script: (path, ...answers) => scripts.set(path, [...(scripts.get(path) ?? []), ...answers]),
    userAgent: (path) => agents.get(path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
