import { randomUUID } from 'node:crypto';
import type { AwsResponse } from '../protocol';

export const SNS_XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

export const escapeXml = (text: string): string =>
  text.replace(
    /[<>&'"\r]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;', '\r': '&#13;' })[c] ?? c,
  );

/** `<name>text</name>`, escaped; nothing when the value is undefined. */
export const element = (name: string, value: string | number | boolean | undefined): string =>
  value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;

/** A query-protocol list: `<name><member>...</member>...</name>`. */
export const memberList = (name: string, members: readonly string[]): string =>
  `<${name}>${members.map((member) => `<member>${member}</member>`).join('')}</${name}>`;

/** A query-protocol string map: `<name><entry><key/><value/></entry>...</name>`. */
export const entryMap = (name: string, entries: Iterable<readonly [string, string]>): string =>
  `<${name}>${[...entries].map(([key, value]) => `<entry>${element('key', key)}${element('value', value)}</entry>`).join('')}</${name}>`;

/**
 * The envelope SDK v3 and the AWS CLI parse: `<ActionResponse xmlns><ActionResult>...</ActionResult>
 * <ResponseMetadata><RequestId/></ResponseMetadata></ActionResponse>`. Actions with no output have no Result.
 */
export function queryResponse(action: string, result: string | undefined): AwsResponse {
  const body =
    `<${action}Response xmlns="${SNS_XMLNS}">` +
    (result === undefined ? '' : `<${action}Result>${result}</${action}Result>`) +
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>` +
    `</${action}Response>`;
  return { status: 200, headers: { 'content-type': 'text/xml' }, body };
}
