/**
 * Plan: the page server's wire store, which carries tensor bytes between Node and the page. An input
 * is served once and then gone; a result is accepted only at a path Node announced, once, and only
 * up to the announced size (a larger one is refused while it arrives and never handed back); paths
 * are not guessable from each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPageServer, type PageServer } from '../server';

let server: PageServer;
beforeAll(async () => {
  server = await startPageServer();
});
afterAll(() => server.close());

describe('wire store', () => {
  it('serves an input once, with the COEP-compatible headers the page needs', async () => {
    const bytes = new Uint8Array(new Float32Array([1.5, -2, 3.25]).buffer);
    const path = server.wire.put(bytes);
    const first = await fetch(server.origin + path);
    expect(first.status).toBe(200);
    expect(first.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect([...new Float32Array(await first.arrayBuffer())]).toEqual([1.5, -2, 3.25]);
    expect((await fetch(server.origin + path)).status).toBe(404);
    expect(server.wire.put(bytes)).not.toBe(path);
  });

  it('takes a result only where announced, once, within its size', async () => {
    const ok = server.wire.expect(16);
    expect((await fetch(server.origin + ok, { method: 'POST', body: new Uint8Array(12).fill(7) })).status).toBe(204);
    expect([...server.wire.take(ok)!]).toEqual(new Array(12).fill(7));
    expect(server.wire.take(ok)).toBeUndefined();
    expect((await fetch(server.origin + ok, { method: 'POST', body: new Uint8Array(4) })).status).toBe(404);

    const small = server.wire.expect(8);
    const tooBig = await fetch(server.origin + small, { method: 'POST', body: new Uint8Array(1 << 20) }).then((r) => r.status, () => 'connection closed');
    expect([413, 'connection closed']).toContain(tooBig);
    expect(server.wire.take(small)).toBeUndefined();

    expect((await fetch(server.origin + '/convspec/wire/not-announced', { method: 'POST', body: new Uint8Array(4) })).status).toBe(404);
  });
});
