/*
 * The application layer: the use cases between the handlers (entry points) and the domain (decisions).
 * It loads streams, asks the domain, appends; it knows the stores only through src/ports.
 */
export * from './order-stream';
