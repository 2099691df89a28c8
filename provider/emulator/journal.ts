// The request journal. Entries hold method, path, query and status only: never headers, so never a token.
import type { JournalEntry } from "./types";

export class Journal {
  private entries: JournalEntry[] = [];

  constructor(private readonly limit = 100_000) {}

  record(entry: JournalEntry): void {
    this.entries.push(entry);
    // Trim in batches so that a long benchmark costs amortised O(1) per request.
    if (this.entries.length > this.limit * 1.1) this.entries.splice(0, this.entries.length - this.limit);
  }

  list(): JournalEntry[] {
    return this.entries.map((e) => ({ ...e, query: { ...e.query } }));
  }

  clear(): void {
    this.entries = [];
  }
}
