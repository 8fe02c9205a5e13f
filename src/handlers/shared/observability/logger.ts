import { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { orderScope } from './correlation';

/**
 * Powertools' standard JSON keys, with `correlation_id` (the order id) right after the service; inside
 * a record's scope (one message of a batch) the record's order id wins over the invocation's.
 */
class OrderflowLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const scoped = orderScope.getStore()?.orderId;
    const context = attributes.lambdaContext;
    const item = new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        correlation_id: scoped,
        cold_start: context?.coldStart,
        function_name: context?.functionName,
        function_arn: context?.invokedFunctionArn,
        function_memory_size: context?.memoryLimitInMB,
        function_request_id: context?.awsRequestId,
        sampling_rate: attributes.sampleRateValue,
        xray_trace_id: attributes.xRayTraceId,
      },
    }).addAttributes(additional);
    return scoped ? item.addAttributes({ correlation_id: scoped }) : item;
  }
}

/** One JSON line per entry on stdout/stderr; level from POWERTOOLS_LOG_LEVEL (default INFO). */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'orderflow',
  logFormatter: new OrderflowLogFormatter(),
});
