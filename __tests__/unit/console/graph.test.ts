import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  edgesOf,
  layout,
  stepsFromHistory,
  type AslDefinition,
  type HistoryEvent,
} from '../../../src/local/console/app/graph';
import { escapeHtml, html } from '../../../src/local/console/app/html';

const saga = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', 'statemachines', 'orderSaga.asl.json'), 'utf8'),
) as AslDefinition;

describe('the console draws the saga from its ASL', () => {
  const graph = layout(saga);
  const at = new Map(graph.nodes.map((node) => [node.name, node]));

  it('draws every state once, every arrow pointing down, no two boxes on one spot', () => {
    expect(graph.nodes.map((n) => n.name).sort()).toEqual(Object.keys(saga.States).sort());
    for (const edge of graph.edges) {
      expect({ edge, down: (at.get(edge.to)?.rank ?? 0) > (at.get(edge.from)?.rank ?? 0) }).toMatchObject({
        down: true,
      });
    }
    const spots = graph.nodes.map((n) => `${n.x},${n.y}`);
    expect(new Set(spots).size).toBe(spots.length);
  });

  it('keeps the happy path in one column and tells the compensation by its Catch edges', () => {
    const column = [
      'ReserveInventory',
      'AuthorizePayment',
      'NeedsReview',
      'ScheduleShipment',
      'ConfirmOrder',
    ];
    expect(new Set(column.map((name) => at.get(name)?.x)).size).toBe(1);
    const compensation = graph.nodes.filter((n) => n.compensation).map((n) => n.name);
    expect(compensation).toEqual(
      expect.arrayContaining(['OutOfStock', 'SagaFailed', 'RefundPayment', 'CancelOrder', 'Cancelled']),
    );
    expect(compensation).not.toContain('Confirmed');
    expect(edgesOf(saga).filter((e) => e.kind === 'catch').length).toBeGreaterThanOrEqual(15);
  });
});

describe('the console reads an execution history', () => {
  let id = 0;
  const event = (
    type: string,
    details: Record<string, unknown> = {},
    timestamp = 1000 + id,
  ): HistoryEvent => {
    id += 1;
    const key = type.endsWith('StateEntered')
      ? 'stateEnteredEventDetails'
      : type.endsWith('StateExited')
        ? 'stateExitedEventDetails'
        : `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
    return { id, type, timestamp, [key]: details };
  };
  const compensation = new Set(
    layout(saga)
      .nodes.filter((n) => n.compensation)
      .map((n) => n.name),
  );

  it('colours a failed step, the compensation and a waiting task token', () => {
    const { steps, taken } = stepsFromHistory(
      [
        event('ExecutionStarted'),
        event('TaskStateEntered', { name: 'AuthorizePayment', input: '{"orderId":"o-1"}' }, 10),
        event('TaskScheduled'),
        event('TaskFailed', { error: 'PaymentDeclinedError', cause: 'card_declined' }),
        event('TaskStateExited', { name: 'AuthorizePayment', output: '{}' }, 10.5),
        event('PassStateEntered', { name: 'PaymentDeclined' }),
        event('PassStateExited', { name: 'PaymentDeclined' }),
        event('TaskStateEntered', { name: 'RefundPayment' }),
        event('TaskScheduled'),
        event('TaskSucceeded'),
        event('TaskStateExited', { name: 'RefundPayment' }),
        event('FailStateEntered', { name: 'Cancelled' }),
        event('ExecutionFailed', { error: 'OrderCancelled' }),
      ],
      compensation,
    );
    expect(steps.get('AuthorizePayment')).toMatchObject({
      state: 'failed',
      error: 'PaymentDeclinedError',
      cause: 'card_declined',
      attempts: 1,
      enteredAt: 10,
      exitedAt: 10.5,
      input: '{"orderId":"o-1"}',
    });
    expect(steps.get('PaymentDeclined')?.state).toBe('compensated');
    expect(steps.get('RefundPayment')?.state).toBe('compensated');
    expect(steps.get('Cancelled')?.state).toBe('compensated');
    expect([...taken]).toEqual([
      'AuthorizePayment->PaymentDeclined',
      'PaymentDeclined->RefundPayment',
      'RefundPayment->Cancelled',
    ]);

    const waiting = stepsFromHistory(
      [
        event('TaskStateEntered', { name: 'ManualReview' }),
        event('TaskScheduled'),
        event('TaskStarted'),
        event('TaskSubmitted'),
      ],
      compensation,
    );
    expect(waiting.steps.get('ManualReview')?.state).toBe('waiting');
  });
});

describe('the console writes markup only through html``', () => {
  it('escapes every interpolated value, nested templates excepted', () => {
    const name = '<img src=x onerror="alert(1)">';
    const nested = html`<b>${'&'}</b>`;
    const cell = html`<td title="${name}">${name}</td>
      ${nested}`;
    expect(cell.markup.replace(/\s*\n\s*/g, '')).toBe(
      '<td title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</td><b>&amp;</b>',
    );
    expect(escapeHtml("'")).toBe('&#39;');
  });
});
