import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';

export interface SagaExecution {
  readonly executionArn: string;
  readonly status: string;
  readonly history: HistoryEvent[];
}

/** The OrderSaga state machine: one execution per order, named after it. */
export class SagaClient {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  executionArnOf(orderId: string): string {
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${orderId}`;
  }

  /** Starts the order's saga; false when it already had one (a duplicate OrderPlaced starts nothing). */
  async start(orderId: string, input: unknown): Promise<boolean> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: orderId,
          input: JSON.stringify(input),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return false;
      throw error;
    }
  }

  /** Answers a waiting task; false when nothing waits on the token any more (it timed out, or was answered). */
  async succeed(taskToken: string, output: unknown): Promise<boolean> {
    return this.answer(() =>
      this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })),
    );
  }

  async fail(taskToken: string, error: string, cause: string): Promise<boolean> {
    return this.answer(() => this.client.send(new SendTaskFailureCommand({ taskToken, error, cause })));
  }

  private async answer(send: () => Promise<unknown>): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (error) {
      if (error instanceof TaskTimedOut || error instanceof InvalidToken || error instanceof TaskDoesNotExist)
        return false;
      throw error;
    }
  }

  async execution(orderId: string): Promise<SagaExecution | undefined> {
    const executionArn = this.executionArnOf(orderId);
    try {
      const { status = 'UNKNOWN' } = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      const history: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await this.client.send(
          new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }),
        );
        history.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      return { executionArn, status, history };
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return undefined;
      throw error;
    }
  }
}
