import type { Collection } from 'mongodb';

export type FormKind = 'observation' | 'agreement' | 'meeting';

/** A form card handed to one person. Only they may submit it (domain.md). */
export interface FormRecord {
  /** The form ID on the card. */
  _id: string;
  kind: FormKind;
  caseId: string;
  requesterId: string;
  requesterName: string;
  createdAt: Date;
  /** What the form starts with (a meeting's date and time typed after `møde`), already checked by the caller. */
  prefill?: Record<string, string>;
}

export class FormRepository {
  constructor(private readonly collection: Collection<FormRecord>) {}

  async insert(form: FormRecord): Promise<void> {
    await this.collection.insertOne(form);
  }

  get(id: string): Promise<FormRecord | null> {
    return this.collection.findOne({ _id: id });
  }
}
