/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import {
  formatMoney,
  formatMs,
  formatPercent,
  isOpen,
  RANGE_LABELS,
  RANGES,
  WINDOW_NAMES,
  type Alert,
  type AnalyticsSelection,
  type MetricsView,
  type RangeName,
  type RangeTotals,
} from './analytics-data';
import { html, type SafeHtml } from './html';

/**
 * The Analytics page's markup, as pure functions of the data (unit-tested): every value goes through
 * `html`, so an alert's summary or a SKU can never become markup.
 */

const localTime = (iso: string | null): string => {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
};

export function controlsHtml(selection: AnalyticsSelection): SafeHtml {
  return html`<form id="analytics-controls" class="filters" aria-label="What the charts show">
    <label
      >Window
      <select id="analytics-window" name="window">
        ${WINDOW_NAMES.map(
          (w) => html`<option value="${w}" ${w === selection.window ? html`selected` : ''}>${w}</option>`,
        )}
      </select></label
    >
    <label
      >Range
      <select id="analytics-range" name="range">
        ${(Object.keys(RANGES) as RangeName[]).map(
          (r) =>
            html`<option value="${r}" ${r === selection.range ? html`selected` : ''}>
              ${RANGE_LABELS[r]}
            </option>`,
        )}
      </select></label
    >
    <label
      ><input
        type="checkbox"
        id="analytics-refresh"
        name="refresh"
        ${selection.autoRefresh ? html`checked` : ''}
      />
      auto-refresh</label
    >
    <span id="analytics-updated" class="muted" role="status"></span>
  </form>`;
}

/** The range's totals, with the numbers as data attributes for whoever reads the page by machine. */
export function summaryHtml(totals: RangeTotals, from: string, to: string): SafeHtml {
  return html`<dl
    class="kpis"
    data-placed="${totals.placed}"
    data-confirmed="${totals.confirmed}"
    data-cancelled="${totals.cancelled}"
    data-from="${from}"
    data-to="${to}"
  >
    <div>
      <dt>orders placed in range</dt>
      <dd id="placed-in-range">${totals.placed}</dd>
    </div>
    <div>
      <dt>confirmed</dt>
      <dd>${totals.confirmed}</dd>
    </div>
    <div>
      <dt>cancelled</dt>
      <dd>
        ${totals.cancelled}
        ${
          totals.cancelledByReason.length > 0
            ? html`<span class="muted"
                >(${totals.cancelledByReason.map((r, i) => html`${i > 0 ? ', ' : ''}${r.reason} ${r.count}`)})</span
              >`
            : ''
        }
      </dd>
    </div>
    <div>
      <dt>conversion</dt>
      <dd>${formatPercent(totals.conversion)}</dd>
    </div>
    <div>
      <dt>revenue (confirmed)</dt>
      <dd>
        ${
          totals.revenue.length === 0
            ? '–'
            : totals.revenue.map(
                (r, i) => html`${i > 0 ? html`<br />` : ''}${formatMoney(r.minor, r.currency)}`,
              )
        }
      </dd>
    </div>
    <div>
      <dt>late events</dt>
      <dd>${totals.late}</dd>
    </div>
  </dl>`;
}

export function topSkusHtml(topSkus: RangeTotals['topSkus']): SafeHtml {
  if (topSkus.length === 0) return html`<p class="muted">No SKU was ordered in this range.</p>`;
  return html`<table class="top-skus">
    <caption>
      Top SKUs in range, by quantity ordered
    </caption>
    <thead>
      <tr>
        <th scope="col">SKU</th>
        <th scope="col">quantity</th>
      </tr>
    </thead>
    <tbody>
      ${topSkus.map(
        (top) =>
          html`<tr data-sku="${top.sku}">
            <td>${top.sku}</td>
            <td class="num">${top.quantity}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** What GET /analytics/alerts answered: a list, a 404 (the stack has no alerts), or an error. */
export type AlertsState =
  | { readonly kind: 'list'; readonly alerts: readonly Alert[]; readonly more: boolean }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'error'; readonly message: string };

export function alertsHtml(state: AlertsState): SafeHtml {
  if (state.kind === 'unavailable')
    return html`<p class="muted" data-alerts="unavailable">Alerts are not available on this stack.</p>`;
  if (state.kind === 'error') return html`<p class="error" role="alert">${state.message}</p>`;
  const open = state.alerts.filter(isOpen).length;
  if (state.alerts.length === 0)
    return html`<p class="muted" data-alerts="none">No alert is open or was raised in this range.</p>`;
  return html`<table class="alerts" data-alerts="list" data-open="${open}">
      <caption>
        ${open} open, ${state.alerts.length - open} cleared; newest first
      </caption>
      <thead>
        <tr>
          <th scope="col">severity</th>
          <th scope="col">rule</th>
          <th scope="col">subject</th>
          <th scope="col">summary</th>
          <th scope="col">raised</th>
          <th scope="col">cleared</th>
        </tr>
      </thead>
      <tbody>
        ${state.alerts.map(
          (a) =>
            html`<tr data-alert-id="${a.alertId}" class="${isOpen(a) ? 'open' : 'cleared'}">
              <td><span class="severity ${a.severity}">${a.severity}</span></td>
              <td>${a.ruleId}</td>
              <td>${a.subject}</td>
              <td>
                ${a.summary}
                ${
                  a.evidence.length > 0
                    ? html`<details>
                        <summary>
                          evidence (${localTime(a.window.start)} – ${localTime(a.window.end)})
                        </summary>
                        <ul>
                          ${a.evidence.map((e) => html`<li>${e}</li>`)}
                        </ul>
                      </details>`
                    : ''
                }
              </td>
              <td>${localTime(a.raisedAt)}</td>
              <td>${isOpen(a) ? html`<b>open</b>` : localTime(a.clearedAt)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${state.more ? html`<p class="muted">More alerts than shown: narrow the range.</p>` : ''}`;
}

/** The charts' numbers as a table, for screen readers and for copying (the canvases carry no text). */
export function viewsTableHtml(views: readonly MetricsView[], currencies: readonly string[]): SafeHtml {
  return html`<table class="views">
    <caption>
      One row per window, by the time it ends
    </caption>
    <thead>
      <tr>
        <th scope="col">window end</th>
        <th scope="col">placed</th>
        <th scope="col">confirmed</th>
        <th scope="col">cancelled</th>
        <th scope="col">conversion</th>
        ${currencies.map((c) => html`<th scope="col">revenue ${c}</th>`)}
        <th scope="col">saga p50</th>
        <th scope="col">p95</th>
        <th scope="col">p99</th>
        <th scope="col">late</th>
      </tr>
    </thead>
    <tbody>
      ${[...views].reverse().map(
        (v) =>
          html`<tr data-end="${v.end}">
            <td>${localTime(v.end)}</td>
            <td class="num">${v.placed}</td>
            <td class="num">${v.confirmed}</td>
            <td class="num">${v.cancelled.total}</td>
            <td class="num">${formatPercent(v.conversion)}</td>
            ${currencies.map((c) => html`<td class="num">${formatMoney(v.revenue[c] ?? 0, c)}</td>`)}
            <td class="num">${formatMs(v.sagaDuration.p50Ms)}</td>
            <td class="num">${formatMs(v.sagaDuration.p95Ms)}</td>
            <td class="num">${formatMs(v.sagaDuration.p99Ms)}</td>
            <td class="num">${v.late}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
