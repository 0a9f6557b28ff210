import type { EventMap, EventName, KilnEvent } from '../../shared/api/contract';

/** Fan-out of service events to every connected client (IPC windows, WebSockets, CLI). */
export class EventBus {
  private readonly listeners = new Set<(event: KilnEvent) => void>();

  emit<E extends EventName>(name: E, payload: EventMap[E]): void {
    const event = { name, payload } as KilnEvent;
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // a broken client must not stop the others from getting the event
      }
    }
  }

  subscribe(listener: (event: KilnEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
