// Where the kernel's and the REPL's cells keep their names, and how a converted
// cell is wrapped to run against them.
//
// Every top-level name lives on one object, `exports`: tslab's converted code
// writes `exports.x = x` after each declaration and reads earlier cells' names
// as `exports.x`. The cell that declares a `let` keeps a local binding of its
// own, though, which its functions read: after `let count = 0; const bump = () => ++count`
// in one cell and `count = 10` in a later one, `bump()` must see 10. So each
// cell registers a setter for its own `let`/`var` names, and every write to
// `exports` (all of them go through defineProperty, see the proxy) passes the
// new value on to the cells that declared that name.

type Setter = (value: unknown) => void;

export interface WrappableCell {
  output: string;
  hasToplevelAwait?: boolean;
  /** The cell's own top-level let/var names. */
  mutableNames: readonly string[];
}

export class CellScope {
  /** Every top-level name defined so far, preloaded ones included. */
  readonly values: Record<string, unknown> = {};
  private readonly setters = new Map<string, Setter[]>();

  /**
   * @param hostName the global through which wrapped cells reach `exports` and `require`
   *   (vm.runInThisContext code sees only globals)
   */
  constructor(
    private readonly hostName: string,
    require: NodeJS.Require,
    preloaded: Readonly<Record<string, unknown>>,
  ) {
    Object.assign(this.values, preloaded);
    const target = this.values;
    const setters = this.setters;
    const exportsProxy = new Proxy(target, {
      defineProperty: (_t, prop, attrs) => {
        if (typeof prop !== "string" || prop === "__esModule") return true;
        // Imports are defined with getters (live bindings); cells keep plain values.
        const value: unknown = attrs.get ? attrs.get() : attrs.value;
        target[prop] = value;
        for (const set of setters.get(prop) ?? []) set(value);
        return true;
      },
    });
    const bind = (name: string, set: Setter) => {
      const list = setters.get(name) ?? [];
      // A setter called before its `let` runs (TDZ), e.g. by the cell's own `exports.x = void 0` preamble, has nothing to update.
      list.push((value) => {
        try {
          set(value);
        } catch (error) {
          if (!(error instanceof ReferenceError)) throw error;
        }
      });
      setters.set(name, list);
    };
    (globalThis as Record<string, unknown>)[hostName] = { exports: exportsProxy, require, bind };
  }

  /** JavaScript that runs a converted cell against this scope: an expression, a promise when the cell awaits. */
  wrap(cell: WrappableCell): string {
    const host = this.hostName;
    const binds = cell.mutableNames.map((name) => `${host}.bind(${JSON.stringify(name)}, (v) => { ${name} = v; });`).join(" ");
    const prefix = cell.hasToplevelAwait ? "(async function (exports, require) {" : "(function (exports, require) {";
    // One line before the cell's code (the binds share it), so stack line N - 1 is the cell's line N.
    return `${prefix} ${binds}\n${cell.output}\n})(${host}.exports, ${host}.require)`;
  }

  /** The value the converter stored under `name` (a cell's last expression), removed from the scope. */
  take(name: string): unknown {
    const value = this.values[name];
    delete this.values[name];
    return value;
  }
}
