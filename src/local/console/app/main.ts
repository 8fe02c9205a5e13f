/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import './style.css';
import { api, ApiError, claimsOf, orderPath, session } from './api';
import { analyticsPage } from './analytics-page';
import { aws, scanAll, stack, tableName } from './aws';
import { layout, renderGraph, stepsFromHistory, type AslDefinition, type HistoryEvent } from './graph';
import { byId, html, money, mount, pretty, time, type SafeHtml } from './html';

interface OrderView {
  orderId: string;
  customerId: string;
  status: string;
  total: number;
  currency: string;
  placedAt: string;
  updatedAt: string;
  cancellationReason?: string;
  items?: { sku: string; quantity: number; unitPrice: number }[];
}

const STATUSES = [
  'PENDING',
  'INVENTORY_RESERVED',
  'PAYMENT_AUTHORIZED',
  'AWAITING_REVIEW',
  'SHIPPING_SCHEDULED',
  'CONFIRMED',
  'CANCELLED',
];
const REFRESH_MS = 2000;

const root = byId('app') as HTMLElement;
/** Bumped on every navigation, so a refresh of a page the person has left stops. */
let generation = 0;

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function shell(active: string, body: SafeHtml): SafeHtml {
  const claims = claimsOf(session.token() ?? '');
  const tab = (hash: string, label: string) =>
    html`<a href="#/${hash}" class="${active === hash ? 'active' : ''}" data-nav="${hash}">${label}</a>`;
  return html`<header>
      <h1>orderflow <span class="stage">${stack.stage}</span></h1>
      <nav>
        ${tab('orders', 'Orders')}${tab('reviews', 'Reviews')}${tab('queues', 'Queues')}${tab('analytics', 'Analytics')}
      </nav>
      <div class="who">
        ${claims?.sub ? html`signed in as <b>${claims.sub}</b>` : 'local operator'}
        <button type="button" id="sign-out">Sign out</button>
      </div>
    </header>
    <main>${body}</main>`;
}

function wireShell(): void {
  byId('sign-out')?.addEventListener('click', () => {
    session.signOut();
    void route();
  });
}

// ---- sign-in ------------------------------------------------------------------------------------

function signInPage(message?: string): void {
  mount(
    root,
    html`<main class="sign-in">
      <h1>orderflow console</h1>
      <p>
        Paste an operator's access token (<code>npm run -s token -- --admin</code>). It stays in this browser.
      </p>
      ${message ? html`<p class="error" role="alert">${message}</p>` : ''}
      <form id="sign-in-form">
        <textarea id="token" name="token" rows="5" required placeholder="eyJ..."></textarea>
        <button type="submit">Sign in</button>
      </form>
    </main>`,
  );
  byId<HTMLFormElement>('sign-in-form')?.addEventListener('submit', (event) => {
    event.preventDefault();
    session.signIn(byId<HTMLTextAreaElement>('token')?.value ?? '');
    void route();
  });
}

/** Whether the API takes this browser's token (or none, with ORDERFLOW_NO_AUTH) as an operator's. */
async function checkSession(): Promise<string | undefined> {
  try {
    await api('GET', '/reviews');
    return undefined;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401)
      return session.token() ? 'That token was refused.' : '';
    if (error instanceof ApiError && error.status === 403)
      return 'That token has no operator scope (orderflow/admin).';
    throw error;
  }
}

// ---- orders -------------------------------------------------------------------------------------

async function ordersPage(token: number): Promise<void> {
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const status = params.get('status') ?? '';
  const customer = params.get('customer') ?? '';
  mount(
    root,
    shell(
      'orders',
      html`<form id="filters" class="filters">
          <label
            >Status
            <select name="status" id="filter-status">
              <option value="">any</option>
              ${STATUSES.map((s) => html`<option value="${s}" ${s === status ? html`selected` : ''}>${s}</option>`)}
            </select></label
          >
          <label
            >Customer
            <input name="customer" id="filter-customer" value="${customer}" placeholder="customer id"
          /></label>
          <button type="submit">Filter</button>
        </form>
        <div id="orders"><p class="muted">Loading…</p></div>`,
    ),
  );
  wireShell();
  byId<HTMLFormElement>('filters')?.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = new URLSearchParams();
    const s = byId<HTMLSelectElement>('filter-status')?.value ?? '';
    const c = byId<HTMLInputElement>('filter-customer')?.value.trim() ?? '';
    if (s) query.set('status', s);
    if (c) query.set('customer', c);
    location.hash = `#/orders${query.size ? `?${query}` : ''}`;
  });
  const refresh = async () => {
    if (token !== generation) return;
    const target = byId('orders');
    if (!target) return;
    try {
      const all = (await scanAll(tableName('read-model'))) as unknown as OrderView[];
      const shown = all
        .filter((o) => (!status || o.status === status) && (!customer || o.customerId === customer))
        .sort(
          (a, b) =>
            String(b.placedAt).localeCompare(String(a.placedAt)) || b.orderId.localeCompare(a.orderId),
        )
        .slice(0, 200);
      if (token !== generation) return;
      mount(
        target,
        html`<p class="muted">
            ${shown.length} of ${all.length} orders, newest first; refreshes every ${REFRESH_MS / 1000} s.
          </p>
          <table class="orders">
            <thead>
              <tr>
                <th>placed</th>
                <th>order</th>
                <th>customer</th>
                <th>status</th>
                <th>total</th>
                <th>reason</th>
              </tr>
            </thead>
            <tbody>
              ${shown.map(
                (o) =>
                  html`<tr data-order-id="${o.orderId}" data-status="${o.status}">
                    <td>${time(o.placedAt)}</td>
                    <td><a href="#/orders/${encodeURIComponent(o.orderId)}">${o.orderId}</a></td>
                    <td>${o.customerId}</td>
                    <td><span class="status ${o.status}">${o.status}</span></td>
                    <td class="num">${money(o.total, o.currency)}</td>
                    <td>${o.cancellationReason ?? ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`,
      );
    } catch (error) {
      mount(target, html`<p class="error" role="alert">${errorText(error)}</p>`);
    }
    setTimeout(() => void refresh(), REFRESH_MS);
  };
  await refresh();
}

// ---- one order ----------------------------------------------------------------------------------

let definitionCache: Promise<{ arn: string; definition: AslDefinition }> | undefined;

/** The saga's state machine and its ASL, as the local Step Functions service has it deployed. */
function sagaDefinition(): Promise<{ arn: string; definition: AslDefinition }> {
  definitionCache ??= (async () => {
    const { stateMachines = [] } = await aws<{ stateMachines?: { name: string; stateMachineArn: string }[] }>(
      'states',
      'ListStateMachines',
      {},
    );
    const machine =
      stateMachines.find((m) => m.name === `orderflow-${stack.stage}-order-saga`) ?? stateMachines[0];
    if (!machine) throw new ApiError(404, { message: 'no state machine is deployed' });
    const { definition } = await aws<{ definition: string }>('states', 'DescribeStateMachine', {
      stateMachineArn: machine.stateMachineArn,
    });
    return { arn: machine.stateMachineArn, definition: JSON.parse(definition) as AslDefinition };
  })().catch((error: unknown) => {
    definitionCache = undefined;
    throw error;
  });
  return definitionCache;
}

async function executionHistory(executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await aws<{ events: HistoryEvent[]; nextToken?: string }>('states', 'GetExecutionHistory', {
      executionArn,
      maxResults: 1000,
      ...(nextToken ? { nextToken } : {}),
    });
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

let selectedState: string | undefined;

async function orderPage(token: number, orderId: string): Promise<void> {
  selectedState = undefined;
  mount(
    root,
    shell(
      'orders',
      html`<p><a href="#/orders">← all orders</a></p>
        <h2>Order <code>${orderId}</code> <span id="order-status"></span></h2>
        <section id="order-view"><p class="muted">Loading…</p></section>
        <h3>Saga <span id="saga-status" class="muted"></span></h3>
        <div class="legend">
          <span class="succeeded">succeeded</span><span class="failed">failed</span
          ><span class="compensated">compensated</span><span class="waiting">waiting for a task token</span
          ><span class="running">running</span><span class="not-run">not run</span>
        </div>
        <div class="saga">
          <div id="saga-graph" class="graph"></div>
          <aside id="step-detail" class="detail">
            <p class="muted">Select a state to see its input, output, error and duration.</p>
          </aside>
        </div>
        <div id="saga-steps"></div>
        <div class="columns">
          <section>
            <h3>Events</h3>
            <div id="order-events"></div>
          </section>
          <section>
            <h3>Notifications</h3>
            <div id="order-notifications"></div>
          </section>
        </div>`,
    ),
  );
  wireShell();
  const refresh = async () => {
    if (token !== generation) return;
    let terminal = false;
    try {
      const [view, events, notifications] = await Promise.all([
        api<OrderView>('GET', orderPath(orderId)).catch((error: unknown) => {
          // The view lags the stream by a moment after the order is placed.
          if (error instanceof ApiError && error.status === 404) return undefined;
          throw error;
        }),
        api<{ events: { metadata: { type: string; version: number; occurredAt: string }; data: unknown }[] }>(
          'GET',
          orderPath(orderId, '/events'),
        ).catch(() => ({ events: [] })),
        api<{
          notifications: {
            channel: string;
            eventType: string;
            recipient: string;
            text: string;
            createdAt: string;
          }[];
        }>('GET', orderPath(orderId, '/notifications')).catch(() => ({ notifications: [] })),
      ]);
      if (token !== generation) return;
      terminal = view?.status === 'CONFIRMED' || view?.status === 'CANCELLED';
      mount(
        byId('order-status') as HTMLElement,
        view
          ? html`<span class="status ${view.status}" data-status="${view.status}">${view.status}</span>`
          : html``,
      );
      mount(
        byId('order-view') as HTMLElement,
        view
          ? html`<dl class="view">
              <dt>customer</dt>
              <dd>${view.customerId}</dd>
              <dt>total</dt>
              <dd>${money(view.total, view.currency)}</dd>
              <dt>placed</dt>
              <dd>${view.placedAt}</dd>
              <dt>updated</dt>
              <dd>${view.updatedAt}</dd>
              ${
                view.cancellationReason
                  ? html`<dt>reason</dt>
                      <dd>${view.cancellationReason}</dd>`
                  : ''
              }
              <dt>items</dt>
              <dd>
                ${(view.items ?? []).map((i) => html`<div>${i.quantity} × ${i.sku} @ ${money(i.unitPrice, view.currency)}</div>`)}
              </dd>
            </dl>`
          : html`<p class="muted">No view of this order yet.</p>`,
      );
      mount(
        byId('order-events') as HTMLElement,
        html`<ol class="events">
          ${events.events.map(
            (e) =>
              html`<li data-event-type="${e.metadata.type}">
                <b>v${e.metadata.version} ${e.metadata.type}</b>
                <span class="muted">${e.metadata.occurredAt}</span>
                <details>
                  <summary>data</summary>
                  <pre>${pretty(e.data)}</pre>
                </details>
              </li>`,
          )}
        </ol>`,
      );
      mount(
        byId('order-notifications') as HTMLElement,
        notifications.notifications.length === 0
          ? html`<p class="muted">None yet.</p>`
          : html`<ul class="notifications">
              ${notifications.notifications.map(
                (n) =>
                  html`<li data-channel="${n.channel}">
                    <b>${n.channel}</b> ${n.eventType} → ${n.recipient}<br /><span>${n.text}</span>
                  </li>`,
              )}
            </ul>`,
      );
      await drawSaga(token, orderId);
    } catch (error) {
      mount(byId('order-view') as HTMLElement, html`<p class="error" role="alert">${errorText(error)}</p>`);
    }
    if (!terminal) setTimeout(() => void refresh(), REFRESH_MS);
    else setTimeout(() => void drawSaga(token, orderId).catch(() => undefined), REFRESH_MS);
  };
  await refresh();
}

async function drawSaga(token: number, orderId: string): Promise<void> {
  const { arn, definition } = await sagaDefinition();
  const graph = layout(definition);
  const compensation = new Set(graph.nodes.filter((n) => n.compensation).map((n) => n.name));
  const executionArn = `${arn.replace(':stateMachine:', ':execution:')}:${orderId}`;
  let history: HistoryEvent[] = [];
  let executionStatus = 'not started';
  try {
    const described = await aws<{ status: string }>('states', 'DescribeExecution', { executionArn });
    executionStatus = described.status;
    history = await executionHistory(executionArn);
  } catch {
    // No execution yet: the saga starts a moment after the order is placed.
  }
  if (token !== generation) return;
  const { steps, taken } = stepsFromHistory(history, compensation);
  const graphHost = byId('saga-graph') as HTMLElement;
  mount(
    byId('saga-status') as HTMLElement,
    html`<span data-execution-status="${executionStatus}">${executionStatus}</span>`,
  );
  mount(graphHost, renderGraph(graph, steps, taken));
  const showStep = (name: string) => {
    selectedState = name;
    const step = steps.get(name);
    for (const g of graphHost.querySelectorAll('g.state'))
      g.classList.toggle('selected', g.getAttribute('data-state') === name);
    mount(
      byId('step-detail') as HTMLElement,
      step
        ? html`<h4>${name} <span class="status-chip ${step.state}">${step.state}</span></h4>
            <p>
              ${step.attempts > 0 ? html`${step.attempts} attempt(s) · ` : ''}${
                step.enteredAt !== undefined && step.exitedAt !== undefined
                  ? html`${Math.round((step.exitedAt - step.enteredAt) * 1000)} ms`
                  : 'not finished'
              }
            </p>
            ${step.error ? html`<p class="error">${step.error}${step.cause ? html`: ${step.cause}` : ''}</p>` : ''}
            <h5>input</h5>
            <pre>${pretty(step.input ?? '')}</pre>
            <h5>output</h5>
            <pre>${pretty(step.output ?? '')}</pre>`
        : html`<h4>${name}</h4>
            <p class="muted">Not run by this execution.</p>`,
    );
  };
  for (const g of graphHost.querySelectorAll('g.state')) {
    const name = g.getAttribute('data-state') ?? '';
    g.addEventListener('click', () => showStep(name));
    g.addEventListener('keydown', (event) => {
      if ((event as KeyboardEvent).key === 'Enter') showStep(name);
    });
  }
  if (selectedState) showStep(selectedState);
  const rows = [...steps.values()];
  mount(
    byId('saga-steps') as HTMLElement,
    html`<table class="steps">
      <thead>
        <tr>
          <th>state</th>
          <th>status</th>
          <th>attempts</th>
          <th>duration</th>
          <th>error</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (s) =>
            html`<tr data-step="${s.name}" data-status="${s.state}">
              <td>${s.name}</td>
              <td><span class="status-chip ${s.state}">${s.state}</span></td>
              <td class="num">${s.attempts || ''}</td>
              <td class="num">
                ${s.enteredAt !== undefined && s.exitedAt !== undefined ? `${Math.round((s.exitedAt - s.enteredAt) * 1000)} ms` : ''}
              </td>
              <td>${s.error ?? ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>`,
  );
}

// ---- reviews ------------------------------------------------------------------------------------

async function reviewsPage(token: number): Promise<void> {
  mount(
    root,
    shell(
      'reviews',
      html`<h2>Orders waiting for a reviewer</h2>
        <div id="reviews"></div>
        <p id="review-result" role="status"></p>`,
    ),
  );
  wireShell();
  const refresh = async () => {
    if (token !== generation) return;
    const target = byId('reviews');
    if (!target) return;
    try {
      const { items } = await api<{
        items: { orderId: string; total: number; requestedAt: string; expiresAt?: string }[];
      }>('GET', '/reviews');
      if (token !== generation) return;
      mount(
        target,
        items.length === 0
          ? html`<p class="muted">No order is waiting for a reviewer.</p>`
          : html`<table class="reviews">
              <thead>
                <tr>
                  <th>order</th>
                  <th>total</th>
                  <th>requested</th>
                  <th>expires</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                ${items.map(
                  (r) =>
                    html`<tr data-review="${r.orderId}">
                      <td><a href="#/orders/${encodeURIComponent(r.orderId)}">${r.orderId}</a></td>
                      <td class="num">${(r.total / 100).toFixed(2)}</td>
                      <td>${time(r.requestedAt)}</td>
                      <td>${time(r.expiresAt)}</td>
                      <td>
                        <button type="button" data-decide="approve" data-order="${r.orderId}">Approve</button>
                        <button type="button" data-decide="reject" data-order="${r.orderId}" class="danger">
                          Reject
                        </button>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`,
      );
      for (const button of target.querySelectorAll<HTMLButtonElement>('button[data-decide]')) {
        button.addEventListener(
          'click',
          () => void decide(button.dataset.order ?? '', button.dataset.decide ?? ''),
        );
      }
    } catch (error) {
      mount(target, html`<p class="error" role="alert">${errorText(error)}</p>`);
    }
    setTimeout(() => void refresh(), REFRESH_MS);
  };
  const decide = async (orderId: string, decision: string) => {
    const result = byId('review-result') as HTMLElement;
    try {
      await api('POST', orderPath(orderId, '/review'), { decision });
      mount(
        result,
        html`<span class="ok" data-decided="${orderId}"
          >${decision === 'approve' ? 'Approved' : 'Rejected'} ${orderId}.</span
        >`,
      );
    } catch (error) {
      mount(result, html`<span class="error">${errorText(error)}</span>`);
    }
    await refresh();
  };
  await refresh();
}

// ---- queues -------------------------------------------------------------------------------------

interface QueueInfo {
  url: string;
  name: string;
  arn: string;
  visible: number;
  inFlight: number;
  delayed: number;
  /** The DLQ's ARN, for a queue with a redrive policy. */
  deadLetterArn?: string;
  /** For a DLQ: the queues that send it their failures. */
  sources: QueueInfo[];
}

async function queues(): Promise<QueueInfo[]> {
  const { QueueUrls = [] } = await aws<{ QueueUrls?: string[] }>('sqs', 'ListQueues', {
    QueueNamePrefix: `orderflow-${stack.stage}-`,
  });
  const list = await Promise.all(
    QueueUrls.map(async (url): Promise<QueueInfo> => {
      const { Attributes = {} } = await aws<{ Attributes?: Record<string, string> }>(
        'sqs',
        'GetQueueAttributes',
        {
          QueueUrl: url,
          AttributeNames: ['All'],
        },
      );
      const policy = Attributes.RedrivePolicy
        ? (JSON.parse(Attributes.RedrivePolicy) as { deadLetterTargetArn?: string })
        : {};
      return {
        url,
        name: url.split('/').pop() ?? url,
        arn: Attributes.QueueArn ?? '',
        visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
        delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
        deadLetterArn: policy.deadLetterTargetArn,
        sources: [],
      };
    }),
  );
  for (const queue of list) {
    const dlq = list.find((q) => q.arn === queue.deadLetterArn);
    dlq?.sources.push(queue);
  }
  return list.sort((a, b) => a.name.localeCompare(b.name));
}

const isDeadLetter = (q: QueueInfo): boolean =>
  q.sources.length > 0 || /-dlq(\.fifo)?$|-failures$/.test(q.name);

async function queuesPage(token: number): Promise<void> {
  const selected = new URLSearchParams(location.hash.split('?')[1] ?? '').get('dlq') ?? '';
  mount(
    root,
    shell(
      'queues',
      html`<h2>Queues and dead-letter queues</h2>
        <div id="queues"></div>
        <p id="redrive-result" role="status"></p>
        <div id="dlq-messages"></div>`,
    ),
  );
  wireShell();
  const refresh = async () => {
    if (token !== generation) return;
    const target = byId('queues');
    if (!target) return;
    try {
      const list = await queues();
      if (token !== generation) return;
      mount(
        target,
        html`<table class="queues">
          <thead>
            <tr>
              <th>queue</th>
              <th>kind</th>
              <th>visible</th>
              <th>in flight</th>
              <th>delayed</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            ${list.map((q) => {
              const dlq = isDeadLetter(q);
              return html`<tr
                data-queue="${q.name}"
                data-depth="${q.visible}"
                class="${dlq && q.visible > 0 ? 'alarm' : ''}"
              >
                <td>
                  ${dlq ? html`<a href="#/queues?dlq=${encodeURIComponent(q.name)}">${q.name}</a>` : q.name}
                </td>
                <td>
                  ${dlq ? html`DLQ${q.sources.length ? html` of ${q.sources.map((s) => s.name).join(', ')}` : ''}` : 'queue'}
                </td>
                <td class="num">${q.visible}</td>
                <td class="num">${q.inFlight}</td>
                <td class="num">${q.delayed}</td>
                <td>
                  ${q.sources.length === 1 && q.visible > 0 ? html`<button type="button" data-redrive="${q.name}">Redrive</button>` : ''}
                </td>
              </tr>`;
            })}
          </tbody>
        </table>`,
      );
      for (const button of target.querySelectorAll<HTMLButtonElement>('button[data-redrive]')) {
        button.addEventListener('click', () => void redrive(list, button.dataset.redrive ?? ''));
      }
      const dlq = list.find((q) => q.name === selected);
      if (dlq) await showMessages(token, dlq);
    } catch (error) {
      mount(target, html`<p class="error" role="alert">${errorText(error)}</p>`);
    }
    setTimeout(() => void refresh(), REFRESH_MS);
  };
  const redrive = async (list: QueueInfo[], name: string) => {
    const result = byId('redrive-result') as HTMLElement;
    const dlq = list.find((q) => q.name === name);
    const source = dlq?.sources[0];
    if (!dlq || !source) return;
    try {
      // The destination is named: only then does SQS move messages that reached the DLQ by other routes.
      await aws('sqs', 'StartMessageMoveTask', { SourceArn: dlq.arn, DestinationArn: source.arn });
      mount(
        result,
        html`<span class="ok" data-redriven="${name}"
          >Moving ${dlq.visible} message(s) from ${name} back to ${source.name}.</span
        >`,
      );
    } catch (error) {
      mount(result, html`<span class="error">${errorText(error)}</span>`);
    }
    await refresh();
  };
  await refresh();
}

/**
 * A look at a DLQ's messages: received with a visibility timeout of 0, so they stay where they are
 * and a redrive moves them all.
 */
async function showMessages(token: number, dlq: QueueInfo): Promise<void> {
  const { Messages = [] } = await aws<{
    Messages?: { MessageId: string; Body: string; Attributes?: Record<string, string> }[];
  }>('sqs', 'ReceiveMessage', {
    QueueUrl: dlq.url,
    MaxNumberOfMessages: 10,
    VisibilityTimeout: 0,
    AttributeNames: ['All'],
  });
  if (token !== generation) return;
  mount(
    byId('dlq-messages') as HTMLElement,
    html`<h3>Messages in ${dlq.name}</h3>
      ${
        Messages.length === 0
          ? html`<p class="muted">Empty.</p>`
          : html`<ol class="messages">
              ${Messages.map(
                (m) =>
                  html`<li data-message-id="${m.MessageId}">
                    <span class="muted"
                      >${m.MessageId} · received ${m.Attributes?.ApproximateReceiveCount ?? '?'} time(s)</span
                    >
                    <pre>${pretty(m.Body)}</pre>
                  </li>`,
              )}
            </ol>`
      }`,
  );
}

// ---- routing ------------------------------------------------------------------------------------

async function route(): Promise<void> {
  generation += 1;
  const token = generation;
  const problem = await checkSession().catch(
    (error: unknown) => `The API did not answer: ${errorText(error)}`,
  );
  if (token !== generation) return;
  if (problem !== undefined) {
    signInPage(problem || undefined);
    return;
  }
  const path = (location.hash.replace(/^#\/?/, '').split('?')[0] ?? '').split('/');
  if (path[0] === 'orders' && path[1]) return orderPage(token, decodeURIComponent(path[1]));
  if (path[0] === 'reviews') return reviewsPage(token);
  if (path[0] === 'queues') return queuesPage(token);
  if (path[0] === 'analytics')
    return analyticsPage({ root, shell, wireShell, current: () => token === generation, errorText });
  return ordersPage(token);
}

window.addEventListener('hashchange', () => void route());
void route();
