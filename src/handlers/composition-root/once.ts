/** Builds a dependency on first use and keeps it for the container's life. */
export const once = <T>(build: () => T): (() => T) => {
  let built: T | undefined;
  return () => (built ??= build());
};
