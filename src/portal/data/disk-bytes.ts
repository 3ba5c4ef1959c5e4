// The Drive's file contents: a content-addressed byte store. Each blob is named by the SHA-256 of
// its bytes, so a copy of a file (disk.file.copyto, a deep folder copy, im.disk.file.commit from
// another folder) shares the bytes instead of duplicating them, and a blob lives as long as some
// file or version refers to it (retain/release). Blobs are written in chunks as they arrive (an
// upload streamed from the request), kept as those chunks (never joined into a second copy unless
// someone asks for one contiguous Buffer), and read back as the same chunks (a download).
//
// MemoryByteStore keeps blobs in memory and says when a blob comes or goes (onChange): with --data,
// persistence writes each blob once, as it is stored, and removes it when it is dropped
// (persist-kinds.ts, `disk.blobs`); loaded back, each blob's references are counted again from the
// files and versions that name it (recount).
import { createHash, type Hash } from "node:crypto";

export interface BlobInfo {
  /** SHA-256 of the bytes, hex: the blob's name. */
  readonly hash: string;
  readonly size: number;
  /** MD5 of the bytes, hex (Bitrix24's etag). */
  readonly md5: string;
}

/** A blob being written: chunks in order, then end() names it. */
export interface BlobWriter {
  write(chunk: Buffer): void;
  /** Stores the blob (or finds the same bytes stored already) and retains it once. */
  end(): BlobInfo;
  /** Drops what was written. */
  abort(): void;
}

export interface ByteStore {
  /** Stores bytes (retained once); the same bytes stored twice are one blob. */
  put(bytes: Buffer): BlobInfo;
  writer(): BlobWriter;
  info(hash: string): BlobInfo | undefined;
  /** The blob's bytes as one Buffer. */
  read(hash: string): Buffer | undefined;
  /** The blob's bytes in order, without joining them (for streaming). */
  chunks(hash: string): readonly Buffer[] | undefined;
  /** One more file or version refers to the blob. */
  retain(hash: string): void;
  /** One fewer refers to it; at none the bytes are dropped. */
  release(hash: string): void;
  /** Bytes held by every blob. */
  readonly heldBytes: number;
  /** Every blob's name. */
  hashes(): string[];
  /** Sets each blob's references to what `refs` counts (none: the blob is dropped). */
  recount(refs: ReadonlyMap<string, number>): void;
  /** Calls `listener` with a blob's name when it is stored or dropped. */
  onChange(listener: (hash: string) => void): void;
}

interface Blob extends BlobInfo {
  chunks: Buffer[];
  refs: number;
}

export class MemoryByteStore implements ByteStore {
  private readonly blobs = new Map<string, Blob>();
  private held = 0;
  private readonly listeners: ((hash: string) => void)[] = [];

  get heldBytes(): number {
    return this.held;
  }

  put(bytes: Buffer): BlobInfo {
    const w = this.writer();
    w.write(bytes);
    return w.end();
  }

  writer(): BlobWriter {
    const sha = createHash("sha256");
    const md5: Hash = createHash("md5");
    let chunks: Buffer[] = [];
    let size = 0;
    let open = true;
    return {
      write: (chunk) => {
        if (!open) throw new Error("blob writer already closed");
        if (chunk.length === 0) return;
        sha.update(chunk);
        md5.update(chunk);
        chunks.push(chunk);
        size += chunk.length;
      },
      end: () => {
        if (!open) throw new Error("blob writer already closed");
        open = false;
        const hash = sha.digest("hex");
        const existing = this.blobs.get(hash);
        if (existing) {
          existing.refs++;
          chunks = [];
          return info(existing);
        }
        const blob: Blob = { hash, size, md5: md5.digest("hex"), chunks, refs: 1 };
        this.blobs.set(hash, blob);
        this.held += size;
        this.changed(hash);
        return info(blob);
      },
      abort: () => {
        open = false;
        chunks = [];
      },
    };
  }

  info(hash: string): BlobInfo | undefined {
    const blob = this.blobs.get(hash);
    return blob && info(blob);
  }

  read(hash: string): Buffer | undefined {
    const blob = this.blobs.get(hash);
    if (!blob) return undefined;
    if (blob.chunks.length === 1) return blob.chunks[0];
    // Joined once and kept joined: the chunks are dropped, so the blob is still held once.
    const joined = Buffer.concat(blob.chunks, blob.size);
    blob.chunks = [joined];
    return joined;
  }

  chunks(hash: string): readonly Buffer[] | undefined {
    return this.blobs.get(hash)?.chunks;
  }

  retain(hash: string): void {
    const blob = this.blobs.get(hash);
    if (blob) blob.refs++;
  }

  release(hash: string): void {
    const blob = this.blobs.get(hash);
    if (!blob) return;
    if (--blob.refs > 0) return;
    this.drop(blob);
  }

  hashes(): string[] {
    return [...this.blobs.keys()];
  }

  recount(refs: ReadonlyMap<string, number>): void {
    for (const blob of [...this.blobs.values()]) {
      blob.refs = refs.get(blob.hash) ?? 0;
      if (blob.refs <= 0) this.drop(blob);
    }
  }

  onChange(listener: (hash: string) => void): void {
    this.listeners.push(listener);
  }

  private drop(blob: Blob): void {
    this.blobs.delete(blob.hash);
    this.held -= blob.size;
    this.changed(blob.hash);
  }

  private changed(hash: string): void {
    for (const listener of this.listeners) listener(hash);
  }
}

const info = (blob: Blob): BlobInfo => ({ hash: blob.hash, size: blob.size, md5: blob.md5 });
