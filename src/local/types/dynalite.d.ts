// dynalite's own store, validations and actions, which the runtime calls in process (no HTTP hop).
declare module 'dynalite/db' {
  interface DynaliteStore {
    readonly db: { close(callback: (error?: Error) => void): void };
    readonly lifecycleManager?: { gracefulClose(callback: (error?: Error) => void): void };
  }
  export function create(options: {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
  }): DynaliteStore;
}

declare module 'dynalite/validations' {
  export function toLowerFirst(name: string): string;
  export function checkTypes(data: unknown, types: unknown): unknown;
  export function checkValidations(data: unknown, types: unknown, custom: unknown, store: unknown): void;
}
