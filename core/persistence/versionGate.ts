import type { Collection } from 'mongodb';
import { insertOnce } from './writes';

export interface VersionClaim {
  _id: string;
  at: Date;
}

/** A claim whose holder has not finished within this time is taken to have crashed. */
const STALE_AFTER_MS = 30_000;

/**
 * Makes "update only if still at version N" safe on every backend we support. FerretDB v1
 * does not run a filtered update atomically under concurrency (two writers can both match the
 * same version), but a unique insert is atomic everywhere. So whoever inserts the claim for
 * (entity, version) first is the only one allowed to write version N+1.
 */
export class VersionGate {
  constructor(private readonly collection: Collection<VersionClaim>) {}

  async claim(kind: string, id: string, version: number): Promise<boolean> {
    const _id = `${kind}|${id}|${version}`;
    if (await this.tryInsert(_id)) return true;
    const existing = await this.collection.findOne({ _id });
    if (!existing || Date.now() - existing.at.getTime() < STALE_AFTER_MS) return false;
    // The holder crashed between claiming and writing; the entity is still at this version.
    await this.collection.deleteOne({ _id, at: existing.at });
    return this.tryInsert(_id);
  }

  private tryInsert(_id: string): Promise<boolean> {
    return insertOnce(this.collection, { _id, at: new Date() });
  }
}
