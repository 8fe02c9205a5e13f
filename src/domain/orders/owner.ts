import { isRight } from 'fp-ts/Either';
import type { EventEnvelope } from '../shared/envelope';
import { OrderPlacedData } from './events';

/** The customer an order belongs to: the one its OrderPlaced names; undefined for no such stream. */
export function ownerOf(stream: readonly EventEnvelope<unknown>[]): string | undefined {
  const placed = stream.find((envelope) => envelope.metadata.type === 'OrderPlaced');
  const data = placed && OrderPlacedData.decode(placed.data);
  return data && isRight(data) ? data.right.customerId : undefined;
}
