/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { html, type SafeHtml } from './html';

/** The parts of an ASL definition the graph reads. */
export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Record<string, AslState>;
}

interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Next?: string;
  readonly Default?: string;
  readonly End?: boolean;
  readonly Choices?: readonly { readonly Next: string }[];
  readonly Catch?: readonly { readonly ErrorEquals: readonly string[]; readonly Next: string }[];
}

export type EdgeKind = 'next' | 'choice' | 'catch';

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  readonly label?: string;
}

export interface GraphNode {
  readonly name: string;
  readonly type: string;
  readonly rank: number;
  x: number;
  readonly y: number;
  /** Reached only through a Catch: the compensation side of the saga. */
  readonly compensation: boolean;
}

export interface Graph {
  readonly nodes: GraphNode[];
  readonly edges: GraphEdge[];
  readonly width: number;
  readonly height: number;
}

/** What an execution's history says about one state. */
export type StepState = 'succeeded' | 'failed' | 'compensated' | 'waiting' | 'running';

export interface StepRecord {
  readonly name: string;
  state: StepState;
  enteredAt?: number;
  exitedAt?: number;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  attempts: number;
}

export interface HistoryEvent {
  readonly id: number;
  readonly type: string;
  readonly timestamp: number | string;
  readonly [details: string]: unknown;
}

const NODE = { width: 168, height: 38, rowGap: 34, columnGap: 26, margin: 16 };

export function edgesOf(definition: AslDefinition): GraphEdge[] {
  const edges: GraphEdge[] = [];
  for (const [name, state] of Object.entries(definition.States)) {
    for (const choice of state.Choices ?? []) edges.push({ from: name, to: choice.Next, kind: 'choice' });
    if (state.Default) edges.push({ from: name, to: state.Default, kind: 'choice', label: 'default' });
    if (state.Next) edges.push({ from: name, to: state.Next, kind: 'next' });
    for (const c of state.Catch ?? []) {
      edges.push({ from: name, to: c.Next, kind: 'catch', label: c.ErrorEquals.join(', ') });
    }
  }
  return edges.filter((edge) => edge.to in definition.States);
}

/**
 * A layered drawing (top to bottom): each state's row is the longest path to it from StartAt, so
 * every arrow points down; within a row, states sit under the mean of their predecessors, which
 * keeps the happy path a straight column and puts the compensation beside it.
 */
export function layout(definition: AslDefinition): Graph {
  const edges = edgesOf(definition);
  const names = Object.keys(definition.States);
  const outgoing = new Map(names.map((name) => [name, edges.filter((edge) => edge.from === name)]));

  // Edges closing a cycle (none in a saga, but ASL allows loops) are left out of the ranking.
  const forward = new Set<GraphEdge>();
  const visiting = new Set<string>();
  const done = new Set<string>();
  const order: string[] = [];
  const visit = (name: string) => {
    if (done.has(name) || visiting.has(name)) return;
    visiting.add(name);
    for (const edge of outgoing.get(name) ?? []) {
      if (!visiting.has(edge.to)) {
        forward.add(edge);
        visit(edge.to);
      }
    }
    visiting.delete(name);
    done.add(name);
    order.unshift(name);
  };
  visit(definition.StartAt);
  for (const name of names) visit(name);

  const rank = new Map<string, number>(names.map((name) => [name, 0]));
  for (const name of order) {
    for (const edge of outgoing.get(name) ?? []) {
      if (forward.has(edge)) rank.set(edge.to, Math.max(rank.get(edge.to) ?? 0, (rank.get(name) ?? 0) + 1));
    }
  }

  // Compensation: what only a Catch leads to, and what only compensation leads to.
  const compensation = new Set<string>();
  for (const name of order) {
    const incoming = edges.filter((edge) => edge.to === name && forward.has(edge));
    if (
      incoming.length > 0 &&
      incoming.every((edge) => edge.kind === 'catch' || compensation.has(edge.from))
    ) {
      compensation.add(name);
    }
  }

  const rows = new Map<number, string[]>();
  for (const name of order) rows.set(rank.get(name) ?? 0, [...(rows.get(rank.get(name) ?? 0) ?? []), name]);
  const step = NODE.width + NODE.columnGap;
  const x = new Map<string, number>();
  const rowNumbers = [...rows.keys()].sort((a, b) => a - b);
  for (const row of rowNumbers) {
    const members = rows.get(row) ?? [];
    const wanted = members.map((name) => {
      const preds = edges.filter((edge) => edge.to === name && forward.has(edge) && edge.kind !== 'catch');
      const from = preds.length > 0 ? preds : edges.filter((edge) => edge.to === name && forward.has(edge));
      const xs = from.map((edge) => x.get(edge.from)).filter((v): v is number => v !== undefined);
      // Compensation starts in its own column, right of the forward path.
      const base = xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
      return { name, at: compensation.has(name) && preds.length === 0 ? Math.max(base, step) : base };
    });
    wanted.sort((a, b) => a.at - b.at);
    let next = -Infinity;
    for (const entry of wanted) {
      const at = Math.max(Math.round(entry.at / step) * step, next);
      x.set(entry.name, at);
      next = at + step;
    }
  }
  const minX = Math.min(...x.values());
  const nodes = order.map((name) => ({
    name,
    type: definition.States[name]?.Type ?? 'Task',
    rank: rank.get(name) ?? 0,
    x: (x.get(name) ?? 0) - minX + NODE.margin,
    y: (rank.get(name) ?? 0) * (NODE.height + NODE.rowGap) + NODE.margin,
    compensation: compensation.has(name),
  }));
  return {
    nodes,
    edges,
    width: Math.max(...nodes.map((node) => node.x)) + NODE.width + NODE.margin,
    height: Math.max(...nodes.map((node) => node.y)) + NODE.height + NODE.margin,
  };
}

const seconds = (timestamp: number | string): number =>
  typeof timestamp === 'number' ? timestamp : new Date(timestamp).getTime() / 1000;

const detail = (event: HistoryEvent, key: string): Record<string, unknown> =>
  (event[key] as Record<string, unknown> | undefined) ?? {};

/**
 * Each state the execution entered, from its history: when, with what input and output, how many
 * attempts, the error that ended it, and whether it is waiting for a task token.
 */
export function stepsFromHistory(
  history: readonly HistoryEvent[],
  compensation: ReadonlySet<string>,
): { steps: Map<string, StepRecord>; taken: Set<string> } {
  const steps = new Map<string, StepRecord>();
  const taken = new Set<string>();
  let current: StepRecord | undefined;
  let previous: string | undefined;
  let executionFailed: { error?: string; cause?: string } | undefined;
  for (const event of history) {
    const type = event.type;
    if (type.endsWith('StateEntered')) {
      const d = detail(event, 'stateEnteredEventDetails');
      const name = String(d.name ?? '?');
      if (previous !== undefined) taken.add(`${previous}->${name}`);
      current = {
        name,
        state: 'running',
        enteredAt: seconds(event.timestamp),
        input: typeof d.input === 'string' ? d.input : undefined,
        attempts: 0,
      };
      steps.set(name, current);
    } else if (type.endsWith('StateExited') && current) {
      const d = detail(event, 'stateExitedEventDetails');
      current.exitedAt = seconds(event.timestamp);
      current.output = typeof d.output === 'string' ? d.output : undefined;
      if (current.state === 'running' || current.state === 'waiting') {
        current.state = compensation.has(current.name) ? 'compensated' : 'succeeded';
      }
      previous = current.name;
      current = undefined;
    } else if (!current) {
      if (type === 'ExecutionFailed' || type === 'ExecutionTimedOut' || type === 'ExecutionAborted') {
        executionFailed = detail(event, `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`) as {
          error?: string;
          cause?: string;
        };
      }
    } else if (type === 'TaskScheduled') {
      current.attempts += 1;
      current.state = 'running';
    } else if (type === 'TaskSubmitted') {
      current.state = 'waiting';
    } else if (type === 'TaskSucceeded') {
      current.state = 'running';
      delete current.error;
      delete current.cause;
    } else if (type === 'TaskFailed' || type === 'TaskTimedOut') {
      const d = detail(event, `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`);
      current.error = String(d.error ?? type);
      current.cause = typeof d.cause === 'string' ? d.cause : undefined;
      current.state = 'failed';
    } else if (type === 'ExecutionFailed' || type === 'ExecutionTimedOut' || type === 'ExecutionAborted') {
      // A Fail state ends the execution without an exit: at the end of the compensation that is the
      // saga cancelling the order as designed, elsewhere a failure.
      current.state = compensation.has(current.name) ? 'compensated' : 'failed';
      current.exitedAt = seconds(event.timestamp);
    }
  }
  // A state still open when the execution ended (aborted, timed out) ended with it.
  for (const step of steps.values()) {
    if (step.state === 'running' && executionFailed && step.exitedAt === undefined) {
      step.state = compensation.has(step.name) ? 'compensated' : 'failed';
      step.error = executionFailed.error;
      step.cause = executionFailed.cause;
    }
  }
  return { steps, taken };
}

const edgePath = (from: GraphNode, to: GraphNode): string => {
  const x1 = from.x + NODE.width / 2;
  const y1 = from.y + NODE.height;
  const x2 = to.x + NODE.width / 2;
  const y2 = to.y;
  const bend = Math.max(18, (y2 - y1) / 2);
  return `M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}`;
};

/** The graph as SVG: one `g.state` per state (data-state, data-status) and one path per transition. */
export function renderGraph(
  graph: Graph,
  steps: ReadonlyMap<string, StepRecord>,
  taken: ReadonlySet<string>,
): SafeHtml {
  const byName = new Map(graph.nodes.map((node) => [node.name, node]));
  const edges = graph.edges.map((edge) => {
    const from = byName.get(edge.from);
    const to = byName.get(edge.to);
    if (!from || !to) return html``;
    const isTaken = taken.has(`${edge.from}->${edge.to}`);
    return html`<path
      class="edge ${edge.kind}${isTaken ? ' taken' : ''}"
      d="${edgePath(from, to)}"
      marker-end="url(#arrow${isTaken ? '-taken' : ''})"
      ><title>${edge.label ?? edge.kind}</title></path
    >`;
  });
  const nodes = graph.nodes.map((node) => {
    const step = steps.get(node.name);
    const status = step?.state ?? 'not-run';
    const shape =
      node.type === 'Choice'
        ? html`<rect
            class="box"
            x="${node.x}"
            y="${node.y}"
            width="${NODE.width}"
            height="${NODE.height}"
            rx="19"
          ></rect>`
        : html`<rect
            class="box"
            x="${node.x}"
            y="${node.y}"
            width="${NODE.width}"
            height="${NODE.height}"
            rx="6"
          ></rect>`;
    return html`<g
      class="state ${status}${node.compensation ? ' compensation' : ''}"
      data-state="${node.name}"
      data-status="${status}"
      tabindex="0"
      role="button"
    >
      ${shape}
      <text x="${node.x + NODE.width / 2}" y="${node.y + 16}" text-anchor="middle" class="name"
        >${node.name}</text
      >
      <text x="${node.x + NODE.width / 2}" y="${node.y + 30}" text-anchor="middle" class="type"
        >${node.type}${step ? ` · ${status}` : ''}</text
      >
    </g>`;
  });
  return html`<svg
    class="saga-graph"
    viewBox="0 0 ${graph.width} ${graph.height}"
    width="${graph.width}"
    height="${graph.height}"
    role="img"
    aria-label="saga state machine"
  >
    <defs>
      <marker
        id="arrow"
        viewBox="0 0 10 10"
        refX="9"
        refY="5"
        markerWidth="7"
        markerHeight="7"
        orient="auto-start-reverse"
      >
        <path d="M0,0 L10,5 L0,10 z" class="arrowhead"></path>
      </marker>
      <marker
        id="arrow-taken"
        viewBox="0 0 10 10"
        refX="9"
        refY="5"
        markerWidth="7"
        markerHeight="7"
        orient="auto-start-reverse"
      >
        <path d="M0,0 L10,5 L0,10 z" class="arrowhead taken"></path>
      </marker>
    </defs>
    ${edges}${nodes}
  </svg>`;
}
