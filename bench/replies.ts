import type { FakeConnector } from '../test/harness/fakeConnector';

/**
 * Which replies the fake connector has received, by the activity they answer (`replyToId`).
 * It takes calls out of the connector's log as it goes, so a long run keeps no history.
 */
export class ReplyLedger {
  private readonly replies = new Map<string, Array<Record<string, unknown>>>();

  constructor(private readonly connector: FakeConnector) {}

  /** The replies to this activity received so far; forgets them. */
  take(activityId: string): Array<Record<string, unknown>> {
    for (const call of this.connector.calls.splice(0)) {
      if (!call.replyToId || call.method !== 'POST') continue;
      const list = this.replies.get(call.replyToId) ?? [];
      list.push(call.body);
      this.replies.set(call.replyToId, list);
    }
    const found = this.replies.get(activityId) ?? [];
    this.replies.delete(activityId);
    return found;
  }

  clear(): void {
    this.connector.calls.splice(0);
    this.replies.clear();
  }
}
