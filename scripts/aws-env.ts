/** Where the operational scripts point: the local stack by default, a deployed stage with `--stage`. */
export interface ScriptTarget {
  readonly stage: string;
  readonly clientConfig: {
    endpoint?: string;
    region: string;
    credentials?: { accessKeyId: string; secretAccessKey: string };
  };
}

export function scriptTarget(options: { stage?: string; endpoint?: string }): ScriptTarget {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const stage = options.stage ?? 'local';
  const local = stage === 'local';
  const endpoint =
    options.endpoint ||
    process.env.AWS_ENDPOINT_URL ||
    (local ? `http://127.0.0.1:${process.env.ORDERFLOW_AWS_PORT ?? '4566'}` : undefined);
  return {
    stage,
    clientConfig: {
      endpoint,
      region: process.env.AWS_REGION ?? 'us-east-1',
      ...(local ? { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } : {}),
    },
  };
}
