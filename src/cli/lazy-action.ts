/**
 * A command's action imported when the command runs, not when the CLI starts: a command module
 * holds only its definition (name, options, help), so `--version`, `--help` and each command load
 * just the engine, pg and libraries that command uses (every `datawarp load` pays the start-up).
 */
export function lazyAction<A extends unknown[]>(
  load: () => Promise<(...args: A) => unknown>,
): (...args: A) => Promise<void> {
  return async (...args) => {
    const action = await load();
    await action(...args);
  };
}
