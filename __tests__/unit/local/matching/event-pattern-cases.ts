/**
 * EventBridge event-pattern conformance cases, taken from the examples in the Amazon EventBridge User Guide
 * (each group names its page and section). Where a page shows only the event that matches, the non-matching
 * case changes one field of it. Every event is a full envelope, so later integration tests can replay the same
 * table through TestEventPattern and through real rule delivery.
 *
 * Pages (https://docs.aws.amazon.com/eventbridge/latest/userguide/...):
 * - eb-event-patterns.html                      "Amazon EventBridge event patterns"
 * - eb-create-pattern.html                      "Creating event patterns" / "Matching event values"
 * - eb-event-patterns-null-values.html          "Matching null values and empty strings"
 * - eb-event-patterns-arrays.html               "Arrays in Amazon EventBridge event patterns"
 * - eb-event-patterns-content-based-filtering.html / eb-create-pattern-operators.html
 *                                               "Comparison operators for use in event patterns" (one section each)
 */

export interface EventPatternCase {
  readonly name: string;
  readonly pattern: object;
  readonly event: object;
  readonly matches: boolean;
}

export interface EventPatternValidationCase {
  readonly name: string;
  readonly pattern: unknown;
  /** The reason after "Event pattern is not valid. Reason: ". */
  readonly reason: string;
}

type Detail = Record<string, unknown>;

/** A full EventBridge envelope for a custom event whose `detail` is given. */
const customEvent = (detail: Detail, overrides: Record<string, unknown> = {}): object => ({
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'Order Event',
  source: 'orderflow.test',
  account: '123456789012',
  time: '2017-10-02T18:43:48Z',
  region: 'us-east-1',
  resources: [],
  detail,
  ...overrides,
});

// eb-event-patterns.html: the Amazon EC2 state-change event.
const ec2Event = (state: string, overrides: Record<string, unknown> = {}): object => ({
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state },
  ...overrides,
});

const ec2TerminationPattern = {
  source: ['aws.ec2'],
  'detail-type': ['EC2 Instance State-change Notification'],
  detail: { state: ['terminated'] },
};

// eb-event-patterns.html "Field matching" and eb-event-patterns-null-values.html: the Auto Scaling event.
const autoScalingEvent = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

// eb-event-patterns.html "Value matching": the (truncated) Amazon Macie alert.
const macieEvent = (triggerRisk: number): object => ({
  version: '0',
  id: '3e355723-fca9-4de3-9fd7-154c289d6b59',
  'detail-type': 'Macie Alert',
  source: 'aws.macie',
  account: '123456789012',
  time: '2017-04-24T22:28:49Z',
  region: 'us-east-1',
  resources: [
    'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_id',
    'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id',
  ],
  detail: {
    'notification-type': 'ALERT_CREATED',
    name: 'Scanning bucket policies',
    tags: ['Custom_Alert', 'Insider'],
    'risk-score': 80,
    trigger: { 'alert-type': 'basic', risk: triggerRisk },
  },
});

const macieRiskPattern = {
  source: ['aws.macie'],
  'detail-type': ['Macie Alert'],
  detail: { 'risk-score': [80], trigger: { risk: [8] } },
};

const numericPattern = {
  detail: {
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ numeric: ['=', 3.018e2] }],
  },
};

const complexPattern = {
  time: [{ prefix: '2017-10-02' }],
  detail: {
    state: [{ 'anything-but': 'initializing' }],
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ 'anything-but': [100, 200, 300] }],
  },
};

const nestedOrPattern = {
  source: ['aws.cloudwatch'],
  detail: {
    $or: [
      { metricName: ['CPUUtilization', 'ReadLatency'] },
      { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] },
      { scope: ['Service'] },
    ],
  },
};

export const eventPatternCases: readonly EventPatternCase[] = [
  // --- eb-event-patterns.html, "Amazon EventBridge event patterns" (EC2 instance-termination example) ---
  {
    name: 'EC2 termination pattern matches a terminated instance',
    pattern: ec2TerminationPattern,
    event: ec2Event('terminated'),
    matches: true,
  },
  {
    name: 'EC2 termination pattern ignores a running instance',
    pattern: ec2TerminationPattern,
    event: ec2Event('running'),
    matches: false,
  },
  {
    name: 'EC2 termination pattern needs source aws.ec2',
    pattern: ec2TerminationPattern,
    event: ec2Event('terminated', { source: 'aws.autoscaling' }),
    matches: false,
  },
  {
    name: 'a pattern field missing from the event fails the match',
    pattern: ec2TerminationPattern,
    event: ec2Event('terminated', { detail: { 'instance-id': 'i-1234567890abcdef0' } }),
    matches: false,
  },

  // --- eb-create-pattern.html, "Matching event values": "source": ["aws.ec2", "aws.fargate"] ---
  {
    name: 'value list matches its second value',
    pattern: { source: ['aws.ec2', 'aws.fargate'] },
    event: ec2Event('running', { source: 'aws.fargate' }),
    matches: true,
  },
  {
    name: 'value list matches its first value',
    pattern: { source: ['aws.ec2', 'aws.fargate'] },
    event: ec2Event('running'),
    matches: true,
  },
  {
    name: 'value list rejects other values',
    pattern: { source: ['aws.ec2', 'aws.fargate'] },
    event: ec2Event('running', { source: 'aws.s3' }),
    matches: false,
  },

  // --- eb-event-patterns.html, "Field matching" (Auto Scaling event, responseElements: null) ---
  {
    name: 'field matching on responseElements [null]',
    pattern: {
      source: ['aws.autoscaling'],
      'detail-type': ['EC2 Instance Launch Successful'],
      detail: { responseElements: [null] },
    },
    event: autoScalingEvent,
    matches: true,
  },

  // --- eb-event-patterns.html, "Value matching" (Macie alert, risk-score 80 and trigger.risk 8) ---
  {
    name: 'numbers match exactly at two nesting levels',
    pattern: macieRiskPattern,
    event: macieEvent(8),
    matches: true,
  },
  {
    name: 'a different nested number fails the match',
    pattern: macieRiskPattern,
    event: macieEvent(7),
    matches: false,
  },

  // --- eb-event-patterns-null-values.html, "Matching null values and empty strings" ---
  {
    name: 'empty string pattern matches an empty string',
    pattern: { detail: { eventVersion: [''] } },
    event: autoScalingEvent,
    matches: true,
  },
  {
    name: 'null pattern matches a null value',
    pattern: { detail: { responseElements: [null] } },
    event: autoScalingEvent,
    matches: true,
  },
  {
    name: 'empty string pattern does not match null',
    pattern: { detail: { responseElements: [''] } },
    event: autoScalingEvent,
    matches: false,
  },
  {
    name: 'null pattern does not match an empty string',
    pattern: { detail: { eventVersion: [null] } },
    event: autoScalingEvent,
    matches: false,
  },

  // --- eb-event-patterns-arrays.html, "Arrays in Amazon EventBridge event patterns" ---
  {
    name: 'pattern array and event array intersect',
    pattern: {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    },
    event: customEvent(
      {},
      {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        ],
      },
    ),
    matches: true,
  },
  {
    name: 'pattern array and event array do not intersect',
    pattern: { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] },
    event: customEvent({}, { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-00000000'] }),
    matches: false,
  },
  {
    name: 'an empty event array holds no value, not even null',
    pattern: { resources: [null] },
    event: customEvent({}),
    matches: false,
  },

  // --- Comparison operators, "Prefix matching": "time": [{ "prefix": "2017-10-02" }] ---
  {
    name: 'prefix matches the start of time',
    pattern: { time: [{ prefix: '2017-10-02' }] },
    event: customEvent({}),
    matches: true,
  },
  {
    name: 'prefix rejects another day',
    pattern: { time: [{ prefix: '2017-10-02' }] },
    event: customEvent({}, { time: '2017-10-03T18:43:48Z' }),
    matches: false,
  },

  // --- Comparison operators, "Prefix matching while ignoring case": { "prefix": { "equals-ignore-case": "EventB" } } ---
  {
    name: 'prefix ignoring case matches EventBridge',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    event: customEvent({ service: 'EventBridge' }),
    matches: true,
  },
  {
    name: 'prefix ignoring case matches EVENTBRIDGE',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    event: customEvent({ service: 'EVENTBRIDGE' }),
    matches: true,
  },
  {
    name: 'prefix ignoring case rejects Lambda',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    event: customEvent({ service: 'Lambda' }),
    matches: false,
  },

  // --- Comparison operators, "Suffix matching": "FileName": [{ "suffix": ".png" }] ---
  {
    name: 'suffix matches .png',
    pattern: { detail: { FileName: [{ suffix: '.png' }] } },
    event: customEvent({ FileName: 'image.png' }),
    matches: true,
  },
  {
    name: 'suffix is case-sensitive',
    pattern: { detail: { FileName: [{ suffix: '.png' }] } },
    event: customEvent({ FileName: 'image.PNG' }),
    matches: false,
  },

  // --- Comparison operators, "Suffix matching while ignoring case" ---
  {
    name: 'suffix ignoring case matches .PNG',
    pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    event: customEvent({ FileName: 'IMAGE.PNG' }),
    matches: true,
  },
  {
    name: 'suffix ignoring case rejects .gif',
    pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    event: customEvent({ FileName: 'image.gif' }),
    matches: false,
  },

  // --- Comparison operators, "Anything-but matching" (string, number, string list, number list) ---
  {
    name: 'anything-but string matches another string',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: customEvent({ state: 'running' }),
    matches: true,
  },
  {
    name: 'anything-but string rejects that string',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: customEvent({ state: 'initializing' }),
    matches: false,
  },
  {
    name: 'anything-but does not match a missing field',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: customEvent({}),
    matches: false,
  },
  {
    name: 'anything-but matches a null value',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: customEvent({ state: null }),
    matches: true,
  },
  {
    name: 'anything-but number matches another number',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: customEvent({ 'x-limit': 456 }),
    matches: true,
  },
  {
    name: 'anything-but number rejects that number',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: customEvent({ 'x-limit': 123 }),
    matches: false,
  },
  {
    name: 'anything-but string list matches an unlisted value',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: customEvent({ state: 'running' }),
    matches: true,
  },
  {
    name: 'anything-but string list rejects a listed value',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: customEvent({ state: 'overloaded' }),
    matches: false,
  },
  {
    name: 'anything-but number list matches an unlisted number',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    event: customEvent({ 'x-limit': 150 }),
    matches: true,
  },
  {
    name: 'anything-but number list rejects a listed number',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    event: customEvent({ 'x-limit': 200 }),
    matches: false,
  },
  {
    name: 'anything-but over an event array matches when one element is not excluded',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: customEvent({ state: ['stopped', 'running'] }),
    matches: true,
  },

  // --- Comparison operators, "Anything-but matching on prefixes": { "anything-but": { "prefix": "init" } } ---
  {
    name: 'anything-but prefix matches running',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    event: customEvent({ state: 'running' }),
    matches: true,
  },
  {
    name: 'anything-but prefix rejects initializing',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    event: customEvent({ state: 'initializing' }),
    matches: false,
  },
  {
    name: 'anything-but prefix lets a number through',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    event: customEvent({ state: 12 }),
    matches: true,
  },

  // --- Comparison operators, "Anything-but matching on suffixes": { "anything-but": { "suffix": ".png" } } ---
  {
    name: 'anything-but suffix matches a .txt file',
    pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } },
    event: customEvent({ FileName: 'notes.txt' }),
    matches: true,
  },
  {
    name: 'anything-but suffix rejects a .png file',
    pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } },
    event: customEvent({ FileName: 'image.png' }),
    matches: false,
  },

  // --- Comparison operators, "Anything-but matching while ignoring case" ---
  {
    name: 'anything-but ignoring case rejects INITIALIZING',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
    event: customEvent({ state: 'INITIALIZING' }),
    matches: false,
  },
  {
    name: 'anything-but ignoring case matches running',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
    event: customEvent({ state: 'running' }),
    matches: true,
  },
  {
    name: 'anything-but ignoring case with a list rejects STOPPED',
    pattern: {
      detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] },
    },
    event: customEvent({ state: 'STOPPED' }),
    matches: false,
  },

  // --- Comparison operators, "Anything-but matching using wildcards": { "anything-but": { "wildcard": "*/lib/*" } } ---
  {
    name: 'anything-but wildcard rejects a path through /lib/',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    event: customEvent({ FilePath: '/usr/lib/libc.so' }),
    matches: false,
  },
  {
    name: 'anything-but wildcard matches a path without /lib/',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    event: customEvent({ FilePath: '/usr/bin/env' }),
    matches: true,
  },
  {
    name: 'anything-but wildcard list rejects either pattern',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] } },
    event: customEvent({ FilePath: '/usr/bin/env' }),
    matches: false,
  },

  // --- Comparison operators, "Numeric matching" (c-count, d-count, x-limit) ---
  {
    name: 'numeric: all three ranges hold',
    pattern: numericPattern,
    event: customEvent({ 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 }),
    matches: true,
  },
  {
    name: 'numeric: > 0 excludes 0',
    pattern: numericPattern,
    event: customEvent({ 'c-count': 0, 'd-count': 3, 'x-limit': 301.8 }),
    matches: false,
  },
  {
    name: 'numeric: <= 5 excludes 6',
    pattern: numericPattern,
    event: customEvent({ 'c-count': 6, 'd-count': 3, 'x-limit': 301.8 }),
    matches: false,
  },
  {
    name: 'numeric: < 10 excludes 10',
    pattern: numericPattern,
    event: customEvent({ 'c-count': 5, 'd-count': 10, 'x-limit': 301.8 }),
    matches: false,
  },
  {
    name: 'numeric: = 3.018e2 excludes 301.9',
    pattern: numericPattern,
    event: customEvent({ 'c-count': 5, 'd-count': 3, 'x-limit': 301.9 }),
    matches: false,
  },
  {
    name: 'numeric matching needs JSON numbers, not numeric strings',
    pattern: numericPattern,
    event: customEvent({ 'c-count': '5', 'd-count': 3, 'x-limit': 301.8 }),
    matches: false,
  },
  {
    name: 'numeric equals: Price is 100',
    pattern: { detail: { Price: [{ numeric: ['=', 100] }] } },
    event: customEvent({ Price: 100 }),
    matches: true,
  },
  {
    name: 'numeric range: Price 20 is in (10, 20]',
    pattern: { detail: { Price: [{ numeric: ['>', 10, '<=', 20] }] } },
    event: customEvent({ Price: 20 }),
    matches: true,
  },
  {
    name: 'numeric range: Price 10 is not in (10, 20]',
    pattern: { detail: { Price: [{ numeric: ['>', 10, '<=', 20] }] } },
    event: customEvent({ Price: 10 }),
    matches: false,
  },

  // --- Comparison operators, "IP address matching": { "cidr": "10.0.0.0/24" } ---
  {
    name: 'cidr matches 10.0.0.255 in 10.0.0.0/24',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: customEvent({ sourceIPAddress: '10.0.0.255' }),
    matches: true,
  },
  {
    name: 'cidr rejects 10.0.1.0',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: customEvent({ sourceIPAddress: '10.0.1.0' }),
    matches: false,
  },
  {
    name: 'cidr rejects a number',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: customEvent({ sourceIPAddress: 123 }),
    matches: false,
  },
  {
    name: 'cidr matches an IPv6 address written out in full',
    pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8:1234:1a00::/64' }] } },
    event: customEvent({ sourceIPAddress: '2001:0db8:1234:1a00:0000:0000:0000:0000' }),
    matches: true,
  },
  {
    name: 'cidr rejects an IPv6 address outside the /64',
    pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8:1234:1a00::/64' }] } },
    event: customEvent({ sourceIPAddress: '2001:db8:1234:1a01::1' }),
    matches: false,
  },

  // --- Comparison operators, "Exists matching" ---
  {
    name: 'exists true matches a present detail.state',
    pattern: { detail: { state: [{ exists: true }] } },
    event: customEvent({ 'instance-id': 'i-abcd1111', state: 'pending' }),
    matches: true,
  },
  {
    name: 'exists true rejects an event without detail.state',
    pattern: { detail: { state: [{ exists: true }] } },
    event: customEvent({ 'c-count': { c1: 100 } }),
    matches: false,
  },
  {
    name: 'exists false matches an event without detail.c-count',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: customEvent({ state: ['initializing', 'running'] }),
    matches: true,
  },
  {
    name: 'exists false matches when c-count is not a leaf',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: customEvent({ state: ['initializing', 'running'], 'c-count': { c1: 100 } }),
    matches: true,
  },
  {
    name: 'exists false rejects a present leaf',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: customEvent({ 'c-count': 5 }),
    matches: false,
  },
  {
    name: 'exists false matches when the parent object is missing',
    pattern: { detail: { info: { 'c-count': [{ exists: false }] } } },
    event: customEvent({}),
    matches: true,
  },

  // --- Comparison operators, "Equals-ignore-case matching" ---
  {
    name: 'equals-ignore-case matches Alice',
    pattern: { detail: { name: [{ 'equals-ignore-case': 'alice' }] } },
    event: customEvent({ name: 'Alice' }),
    matches: true,
  },
  {
    name: 'equals-ignore-case rejects Alicia',
    pattern: { detail: { name: [{ 'equals-ignore-case': 'alice' }] } },
    event: customEvent({ name: 'Alicia' }),
    matches: false,
  },

  // --- Comparison operators, "Matching using wildcards": { "wildcard": "dir/*.png" } ---
  {
    name: 'wildcard matches dir/image.png',
    pattern: { detail: { FileName: [{ wildcard: 'dir/*.png' }] } },
    event: customEvent({ FileName: 'dir/image.png' }),
    matches: true,
  },
  {
    name: 'wildcard * matches an empty run',
    pattern: { detail: { FileName: [{ wildcard: 'dir/*.png' }] } },
    event: customEvent({ FileName: 'dir/.png' }),
    matches: true,
  },
  {
    name: 'wildcard rejects a .jpg in dir',
    pattern: { detail: { FileName: [{ wildcard: 'dir/*.png' }] } },
    event: customEvent({ FileName: 'dir/image.jpg' }),
    matches: false,
  },
  {
    name: 'wildcard rejects a .png outside dir',
    pattern: { detail: { FileName: [{ wildcard: 'dir/*.png' }] } },
    event: customEvent({ FileName: 'other/image.png' }),
    matches: false,
  },
  {
    name: 'wildcard in an event-bus ARN matches any account',
    pattern: { detail: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] } },
    event: customEvent({ EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/orders' }),
    matches: true,
  },
  {
    name: 'escaped \\* is a literal asterisk',
    pattern: { detail: { note: [{ wildcard: 'a\\*b' }] } },
    event: customEvent({ note: 'a*b' }),
    matches: true,
  },
  {
    name: 'escaped \\* does not match other characters',
    pattern: { detail: { note: [{ wildcard: 'a\\*b' }] } },
    event: customEvent({ note: 'axb' }),
    matches: false,
  },

  // --- Comparison operators, "Or" / "Matching using $or": Location is "New York", or Day is "Monday" ---
  {
    name: '$or matches its second branch',
    pattern: { detail: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] } },
    event: customEvent({ Location: 'Boston', Day: 'Monday' }),
    matches: true,
  },
  {
    name: '$or rejects when no branch holds',
    pattern: { detail: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] } },
    event: customEvent({ Location: 'Boston', Day: 'Friday' }),
    matches: false,
  },
  {
    name: '$or over numeric conditions (c-count || d-count || x-limit)',
    pattern: {
      detail: {
        $or: [
          { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
          { 'd-count': [{ numeric: ['<', 10] }] },
          { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
        ],
      },
    },
    event: customEvent({ 'c-count': 9, 'd-count': 3 }),
    matches: true,
  },
  {
    name: '$or over numeric conditions rejects when none holds',
    pattern: {
      detail: {
        $or: [
          { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
          { 'd-count': [{ numeric: ['<', 10] }] },
          { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
        ],
      },
    },
    event: customEvent({ 'c-count': 9, 'd-count': 12, 'x-limit': 1 }),
    matches: false,
  },
  {
    name: '$or with an AND inside: metricType && namespace',
    pattern: nestedOrPattern,
    event: customEvent({ metricType: 'MetricType', namespace: 'AWS/EC2' }, { source: 'aws.cloudwatch' }),
    matches: true,
  },
  {
    name: '$or with an AND inside: metricType alone is not enough',
    pattern: nestedOrPattern,
    event: customEvent({ metricType: 'MetricType' }, { source: 'aws.cloudwatch' }),
    matches: false,
  },
  {
    name: '$or alongside a field: source must still match',
    pattern: nestedOrPattern,
    event: customEvent({ scope: 'Service' }, { source: 'aws.ec2' }),
    matches: false,
  },

  // --- Comparison operators, "Complex example with multiple matching" ---
  {
    name: 'complex example matches the Event Ruler sample event',
    pattern: complexPattern,
    event: customEvent(
      {
        'c-count': 5,
        'd-count': 3,
        'x-limit': 301.8,
        'source-ip': '10.0.0.33',
        'instance-id': 'i-000000aaaaaa00000',
        state: 'running',
      },
      { time: '2017-10-02T16:24:49Z' },
    ),
    matches: true,
  },
  {
    name: 'complex example rejects an excluded x-limit',
    pattern: complexPattern,
    event: customEvent(
      { 'c-count': 5, 'd-count': 3, 'x-limit': 200, state: 'running' },
      { time: '2017-10-02T16:24:49Z' },
    ),
    matches: false,
  },

  // --- eb-create-pattern.html: values follow JSON rules, so types never cross ---
  {
    name: 'number pattern matches a number',
    pattern: { detail: { count: [5] } },
    event: customEvent({ count: 5 }),
    matches: true,
  },
  {
    name: 'number pattern does not match the string "5"',
    pattern: { detail: { count: [5] } },
    event: customEvent({ count: '5' }),
    matches: false,
  },
  {
    name: 'string pattern "5" does not match the number 5',
    pattern: { detail: { count: ['5'] } },
    event: customEvent({ count: 5 }),
    matches: false,
  },
  {
    name: 'boolean pattern does not match the string "true"',
    pattern: { detail: { enabled: [true] } },
    event: customEvent({ enabled: 'true' }),
    matches: false,
  },
  {
    name: 'strings match case-sensitively',
    pattern: { source: ['aws.ec2'] },
    event: ec2Event('running', { source: 'AWS.EC2' }),
    matches: false,
  },

  // --- Array-consistent matching of objects inside event arrays (Event Ruler README, "JSON Array Matching") ---
  {
    name: 'fields of one array element match together',
    pattern: { detail: { employees: { firstName: ['Anna'], lastName: ['Smith'] } } },
    event: customEvent({
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
      ],
    }),
    matches: true,
  },
  {
    name: 'the first array element can be the one that matches',
    pattern: { detail: { employees: { firstName: ['John'], lastName: ['Doe'] } } },
    event: customEvent({
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
      ],
    }),
    matches: true,
  },
  {
    name: 'fields from different array elements do not combine',
    pattern: { detail: { employees: { firstName: ['Anna'], lastName: ['Jones'] } } },
    event: customEvent({
      employees: [
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    }),
    matches: false,
  },
];

export const eventPatternValidationCases: readonly EventPatternValidationCase[] = [
  { name: 'a string is not a pattern', pattern: 'aws.ec2', reason: 'Filter is not an object' },
  {
    name: 'an array is not a pattern',
    pattern: [{ source: ['aws.ec2'] }],
    reason: 'Filter is not an object',
  },
  { name: 'null is not a pattern', pattern: null, reason: 'Filter is not an object' },
  { name: 'empty pattern', pattern: {}, reason: 'Empty objects are not allowed' },
  { name: 'empty nested object', pattern: { detail: {} }, reason: 'Empty objects are not allowed' },
  {
    name: 'leaf value not in an array',
    pattern: { source: 'aws.ec2' },
    reason: '"source" must be an object or an array',
  },
  { name: 'empty value array', pattern: { source: [] }, reason: 'Empty arrays are not allowed' },
  {
    name: 'nested array as a value',
    pattern: { source: [['aws.ec2']] },
    reason: 'Match value must be String, number, true, false, or null',
  },
  {
    name: 'unknown operator',
    pattern: { source: [{ contains: 'ec2' }] },
    reason: 'Unrecognized match type contains',
  },
  { name: 'empty match expression', pattern: { source: [{}] }, reason: 'Match expression name not found' },
  {
    name: 'two operators in one expression',
    pattern: { source: [{ prefix: 'a', suffix: 'b' }] },
    reason: 'Only one key allowed in match expression',
  },
  {
    name: 'prefix must be a string',
    pattern: { source: [{ prefix: 1 }] },
    reason: 'prefix match pattern must be a string',
  },
  {
    name: 'suffix must be a string',
    pattern: { source: [{ suffix: ['a'] }] },
    reason: 'suffix match pattern must be a string',
  },
  {
    name: 'prefix object takes only equals-ignore-case',
    pattern: { source: [{ prefix: { wildcard: 'a*' } }] },
    reason: 'Unsupported prefix pattern: wildcard',
  },
  {
    name: 'prefix equals-ignore-case must be a string',
    pattern: { source: [{ prefix: { 'equals-ignore-case': 1 } }] },
    reason: 'equals-ignore-case match pattern must be a string',
  },
  {
    name: 'equals-ignore-case must be a string',
    pattern: { source: [{ 'equals-ignore-case': 5 }] },
    reason: 'equals-ignore-case match pattern must be a string',
  },
  {
    name: 'exists must be a boolean',
    pattern: { detail: { state: [{ exists: 'yes' }] } },
    reason: 'exists match pattern must be either true or false.',
  },
  {
    name: 'numeric must be an array',
    pattern: { detail: { n: [{ numeric: 5 }] } },
    reason: 'Value of numeric must be an array.',
  },
  {
    name: 'numeric must not be empty',
    pattern: { detail: { n: [{ numeric: [] }] } },
    reason: 'Invalid member in numeric match: ]',
  },
  {
    name: 'numeric must start with an operator',
    pattern: { detail: { n: [{ numeric: [5] }] } },
    reason: 'Invalid member in numeric match: 5',
  },
  {
    name: 'numeric operator must be known',
    pattern: { detail: { n: [{ numeric: ['!=', 5] }] } },
    reason: 'Unrecognized numeric range operator: !=',
  },
  {
    name: 'numeric operand must be a number',
    pattern: { detail: { n: [{ numeric: ['>', '5'] }] } },
    reason: 'Value of > must be numeric',
  },
  {
    name: 'numeric = operand must be a number',
    pattern: { detail: { n: [{ numeric: ['='] }] } },
    reason: 'Value of equals must be numeric',
  },
  {
    name: 'numeric range must start with > or >=',
    pattern: { detail: { n: [{ numeric: ['<', 5, '>', 1] }] } },
    reason: 'Too many elements in numeric expression',
  },
  {
    name: 'numeric range must close with < or <=',
    pattern: { detail: { n: [{ numeric: ['>', 1, '>', 5] }] } },
    reason: 'Bad numeric range operator: >',
  },
  {
    name: 'numeric range bottom must be below top',
    pattern: { detail: { n: [{ numeric: ['>', 5, '<', 1] }] } },
    reason: 'Bottom must be less than top',
  },
  {
    name: 'numeric range with an empty interval',
    pattern: { detail: { n: [{ numeric: ['>=', 5, '<=', 5] }] } },
    reason: 'Bottom must be less than top',
  },
  {
    name: 'numeric range has at most four terms',
    pattern: { detail: { n: [{ numeric: ['>', 1, '<', 5, '<', 9] }] } },
    reason: 'Too many terms in numeric range expression',
  },
  {
    name: 'numeric operand beyond the supported range',
    pattern: { detail: { n: [{ numeric: ['>', 6e9] }] } },
    reason: 'Value must be between -5000000000 and 5000000000, inclusive',
  },
  {
    name: 'cidr needs a slash',
    pattern: { detail: { ip: [{ cidr: '10.0.0.0' }] } },
    reason: "Malformed CIDR, one '/' required",
  },
  {
    name: 'cidr mask must be an integer',
    pattern: { detail: { ip: [{ cidr: '10.0.0.0/x' }] } },
    reason: 'Malformed CIDR, mask bits must be an integer',
  },
  {
    name: 'cidr address must be an IP',
    pattern: { detail: { ip: [{ cidr: 'xx.11.xx/8' }] } },
    reason: 'Nonstandard IP address: xx.11.xx',
  },
  {
    name: 'cidr IPv4 mask too wide',
    pattern: { detail: { ip: [{ cidr: '10.0.0.0/33' }] } },
    reason: 'IPv4 mask bits must be < 32',
  },
  {
    name: 'cidr IPv6 mask too wide',
    pattern: { detail: { ip: [{ cidr: '2001:db8::/129' }] } },
    reason: 'IPv6 mask bits must be < 128',
  },
  {
    name: 'cidr must be a string',
    pattern: { detail: { ip: [{ cidr: 10 }] } },
    reason: 'prefix match pattern must be a string',
  },
  {
    name: 'anything-but list must not be empty',
    pattern: { detail: { s: [{ 'anything-but': [] }] } },
    reason: 'Inside anything but list, either all values are number or string, mixed type is not supported',
  },
  {
    name: 'anything-but list must not mix types',
    pattern: { detail: { s: [{ 'anything-but': ['a', 1] }] } },
    reason: 'Inside anything but list, either all values are number or string, mixed type is not supported',
  },
  {
    name: 'anything-but list must not hold null',
    pattern: { detail: { s: [{ 'anything-but': ['stopped', null] }] } },
    reason: 'Inside anything but list, start|null|boolean is not supported.',
  },
  {
    name: 'anything-but must not be null',
    pattern: { detail: { s: [{ 'anything-but': null }] } },
    reason: 'Inside anything-but list, start|null|boolean is not supported.',
  },
  {
    name: 'anything-but object operator must be known',
    pattern: { detail: { s: [{ 'anything-but': { exists: false } }] } },
    reason: 'Unsupported anything-but pattern: exists',
  },
  {
    name: 'anything-but prefix must not be empty',
    pattern: { detail: { s: [{ 'anything-but': { prefix: '' } }] } },
    reason: 'Null prefix/suffix not allowed',
  },
  {
    name: 'anything-but suffix must be a string',
    pattern: { detail: { s: [{ 'anything-but': { suffix: 1 } }] } },
    reason: 'prefix/suffix match pattern must be a string',
  },
  {
    name: 'anything-but equals-ignore-case must hold strings',
    pattern: { detail: { s: [{ 'anything-but': { 'equals-ignore-case': [1] } }] } },
    reason: 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
  },
  {
    name: 'wildcard must be a string',
    pattern: { detail: { f: [{ wildcard: 1 }] } },
    reason: 'wildcard match pattern must be a string',
  },
  {
    name: 'wildcard must not repeat *',
    pattern: { detail: { f: [{ wildcard: 'a**b' }] } },
    reason: 'Consecutive wildcard characters at pos 2',
  },
  {
    name: 'wildcard escapes only * and \\',
    pattern: { detail: { f: [{ wildcard: 'a\\b' }] } },
    reason: 'Invalid escape character at pos 2',
  },
  {
    name: 'anything-but wildcard is checked too',
    pattern: { detail: { f: [{ 'anything-but': { wildcard: '**' } }] } },
    reason: 'Consecutive wildcard characters at pos 1',
  },
  {
    name: '$or must be an array',
    pattern: { $or: { a: ['x'] } },
    reason: 'It must be an Array followed with $or.',
  },
  {
    name: '$or needs two branches',
    pattern: { $or: [{ a: ['x'] }] },
    reason: 'There must have at least 2 Objects in $or relationship.',
  },
  {
    name: '$or branches must be objects',
    pattern: { $or: [{ a: ['x'] }, 'b'] },
    reason: 'Only JSON object is allowed in array of $or relationship.',
  },
  {
    name: '$or branches must not use reserved names',
    pattern: { $or: [{ numeric: [1] }, { b: ['y'] }] },
    reason: 'numeric is Ruler reserved fieldName which cannot be used inside $or.',
  },
  {
    name: 'errors inside $or branches are reported',
    pattern: { detail: { $or: [{ a: ['x'] }, { b: [] }] } },
    reason: 'Empty arrays are not allowed',
  },
];
