/**
 * @medplum/core 5 reads `globalThis.WebSocket` when it loads (for its subscription client, which
 * the tests never use); Node 20 has none. Import this module before @medplum/core.
 */
const global = globalThis as { WebSocket?: unknown };
if (typeof global.WebSocket === 'undefined') {
  global.WebSocket = class WebSocketStub {
    constructor() {
      throw new Error('WebSocket is not available in the tests');
    }
  };
}

export {};
