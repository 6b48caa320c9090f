import { CloudAdapter, TestAdapter, TurnContext } from 'botbuilder';
import pino from 'pino';
import { createCoreWithInternals, type Core } from '../../core';
import type { Reader } from '../../core/domain/audience';
import { connectDatabase, type Database } from '../../core/persistence/database';
import { channelId, channelMessage, makeUser } from '../../test/harness/activities';
import { testDatabaseName, testMongoUri } from '../../test/harness/testApp';
import { RoomDirectory } from './rooms';

/**
 * A turn asks for its room more than once (the clearance, then each post). It reads the room once,
 * but a membership change in the middle of the turn makes the next look read it again: a post after
 * a member was added must be drawn for the room as it is now.
 */
let database: Database;
let core: Core;

beforeAll(async () => {
  database = await connectDatabase(testMongoUri(), testDatabaseName(__filename));
  core = createCoreWithInternals(database.db).core;
});
afterAll(async () => {
  await database.db.dropDatabase();
  await database.close();
});

function directoryWith(members: Reader[][]) {
  let reads = 0;
  let roomReads = 0;
  const conversations = new Proxy(core.conversations, {
    get(target, key, receiver) {
      if (key === 'roomOf') return (id: string) => (roomReads++, target.roomOf(id));
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  const directory = new RoomDirectory({ conversations }, {} as CloudAdapter, 'bot', pino({ level: 'silent' }), async () => members[Math.min(reads++, members.length - 1)]);
  return { directory, reads: () => reads, roomReads: () => roomReads };
}

const teacher = makeUser('Lærer Lund');
const parent = makeUser('Forælder Friis');
const asReader = (u: typeof teacher): Reader => ({ userId: u.id, aadObjectId: u.aadObjectId, name: u.name });

function turnIn(channel: string): TurnContext {
  return new TurnContext(new TestAdapter(), channelMessage('sag', { serviceUrl: 'http://127.0.0.1:9/', from: teacher, channel }));
}

test('a turn reads its room once', async () => {
  const channel = channelId('rooms-once');
  const { directory, reads, roomReads } = directoryWith([[asReader(teacher)]]);
  const turn = turnIn(channel);
  const first = await directory.ofTurn(turn);
  const second = await directory.ofTurn(turn);
  expect(second).toEqual(first);
  expect(first.readers).toEqual([asReader(teacher)]);
  expect(reads()).toBe(1);
  expect(roomReads()).toBe(1);

  // The next turn looks again (the stored members are still fresh, so Teams is not asked).
  await directory.ofTurn(turnIn(channel));
  expect(roomReads()).toBe(2);
  expect(reads()).toBe(1);
});

test('after the members change in the middle of a turn, the turn sees the new members', async () => {
  const channel = channelId('rooms-changed');
  const { directory, reads } = directoryWith([[asReader(teacher)], [asReader(teacher), asReader(parent)]]);
  const turn = turnIn(channel);
  expect((await directory.ofTurn(turn)).readers).toEqual([asReader(teacher)]);

  await directory.channelMembersChanged(channel);
  expect((await directory.ofTurn(turn)).readers).toEqual([asReader(teacher), asReader(parent)]);
  expect(reads()).toBe(2);
});
