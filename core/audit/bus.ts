import type { CaseEvent } from './events';

export type EventListener = (event: CaseEvent) => void | Promise<void>;

/**
 * Side effects outside the core (cards, channel membership, reminders) follow the history: each
 * event is handed to the listeners once it is in its case's chain. A failing listener is reported,
 * never rethrown: the change it reacts to has happened.
 */
export class EventBus {
  private readonly listeners: EventListener[] = [];

  subscribe(listener: EventListener, onError: (error: unknown) => void = () => undefined): void {
    this.listeners.push(async (event) => {
      try {
        await listener(event);
      } catch (error) {
        onError(error);
      }
    });
  }

  emit(event: CaseEvent): void {
    for (const listener of this.listeners) void listener(event);
  }
}
