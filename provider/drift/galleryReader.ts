// The worker pool of the drift check: each distinct gallery is read once, `concurrency` at a time, through
// the package's ARM client, and every lookup waiting on it is judged as soon as the answer comes.
import { defaultArmClient, type ArmClient } from "../arm/armClient";
import type { ValidLookupArgs } from "../gallery/validation";
import { readGallery } from "../lookup/readGallery";
import type { GalleryObservation } from "../types/lookup";
import type { LookupDriftEntry } from "./driftReport";
import type { StoredLookup } from "./state";

/** A gallery read once for every lookup that names it. */
export interface GalleryRead {
  args: ValidLookupArgs;
  observation?: GalleryObservation;
  error?: unknown;
  /** Set once the GET has answered (or failed). */
  settled: boolean;
  /** Lookups waiting for the answer: judged as soon as it comes, so the stored values can go. */
  waiting: { entry: LookupDriftEntry; lookup: StoredLookup }[];
}

/** ARM names compare without letter case; options and cloud change the request, so they are part of the key. */
export function galleryKey(args: ValidLookupArgs): string {
  return [
    args.environment ?? "",
    args.subscriptionId,
    args.resourceGroupName,
    args.galleryName,
    args.select ?? "",
    args.expand ?? "",
  ]
    .join("|")
    .toLowerCase();
}

/**
 * Reads galleries as the state reveals them, `concurrency` at a time, while later state files are still
 * being read: the pacer's waits then hide the reading. Every read goes through the package's client.
 */
export class GalleryReader {
  private readonly queue: GalleryRead[] = [];
  private next = 0;
  private done = 0;
  private closed = false;
  private idle: (() => void)[] = [];
  private readonly workers: Promise<void>[];

  constructor(
    concurrency: number,
    private readonly client: ArmClient | undefined,
    private readonly onSettled: (read: GalleryRead) => void,
    private readonly onProgress?: (done: number, total: number) => void,
  ) {
    this.workers = Array.from({ length: Math.max(1, concurrency) }, () => this.work());
  }

  add(read: GalleryRead): void {
    this.queue.push(read);
    this.onProgress?.(this.done, this.queue.length);
    this.wake();
  }

  /** Resolves once every gallery added has been read. */
  async finish(): Promise<void> {
    this.closed = true;
    this.wake();
    await Promise.all(this.workers);
  }

  private wake(): void {
    const idle = this.idle;
    this.idle = [];
    for (const resume of idle) resume();
  }

  private async work(): Promise<void> {
    for (;;) {
      if (this.next < this.queue.length) {
        const read = this.queue[this.next++];
        try {
          read.observation = await readGallery(
            read.args,
            this.client ?? defaultArmClient(read.args.environment),
          );
        } catch (error) {
          read.error = error;
        }
        read.settled = true;
        this.onSettled(read);
        this.onProgress?.(++this.done, this.queue.length);
      } else if (this.closed) {
        return;
      } else {
        await new Promise<void>((resume) => this.idle.push(resume));
      }
    }
  }
}
