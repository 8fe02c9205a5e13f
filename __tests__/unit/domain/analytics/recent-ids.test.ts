import { digestOf, RecentIds, RECENT_IDS_CAPACITY } from '../../../../src/domain/analytics';

describe('RecentIds: the envelope ids a partition counted last', () => {
  it('digests an id into 14 characters, the same every time, different for different ids', () => {
    const ids = Array.from(
      { length: 50_000 },
      (_, i) => `01JDQ3ZJ4X7V9G2K8M5N6P${i.toString().padStart(5, '0')}`,
    );
    const digests = ids.map(digestOf);
    expect(new Set(digests.map((d) => d.length))).toEqual(new Set([14]));
    expect(digestOf(ids[0] ?? '')).toBe(digests[0]);
    expect(new Set(digests).size).toBe(ids.length);
  });

  it('says an id is new once, across an encode and decode', () => {
    const window = new RecentIds('');
    expect(window.add('evt-1')).toBe(true);
    expect(window.add('evt-1')).toBe(false);
    const again = new RecentIds(window.encode());
    expect(again.add('evt-1')).toBe(false);
    expect(again.add('evt-2')).toBe(true);
  });

  it('keeps the latest `capacity` ids: an id that fell out is new again', () => {
    const window = new RecentIds('', 3);
    for (const id of ['a', 'b', 'c', 'd']) window.add(id);
    const kept = new RecentIds(window.encode(), 3);
    expect(kept.add('a')).toBe(true);
    expect(kept.add('b')).toBe(false);
    expect(kept.add('d')).toBe(false);
  });

  it('stays within its bound in the cursor item: 8,192 ids in 112 KiB', () => {
    const window = new RecentIds('');
    for (let i = 0; i < RECENT_IDS_CAPACITY + 500; i += 1) window.add(`evt-${i}`);
    expect(window.encode().length).toBe(RECENT_IDS_CAPACITY * 14);
  });
});
