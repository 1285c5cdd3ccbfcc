/**
 * The child processes this process started and that still run, ended when it exits.
 *
 * Why: an adapter's host and a --cmd program run in process groups of their own (so that a hang can be
 * ended with everything the adapter started), which means no signal sent to convspec or to its group
 * reaches them, and a call that spins never gets to notice its IPC channel or stdin closing. Left
 * alone they outlive convspec at full CPU under PID 1. So every such child is registered here, and
 * when this process exits — normally, through `process.exit` after a signal (bin/convspec.js,
 * jobMain.ts), or after an uncaught error — its whole group gets SIGKILL. `--jobs` job processes get
 * SIGTERM instead: they end their own hosts and programs the same way before they go.
 *
 * Not covered: this process killed by SIGKILL (no code of its own runs then). Hosts watch for that
 * themselves (orphanWatch.ts); a --cmd program, which is any program at all, cannot be made to.
 */
import type { ChildProcess } from 'node:child_process';

interface Registered {
  child: ChildProcess;
  /** 'group': the child leads a process group of its own (spawned detached) and the group is killed. */
  scope: 'group' | 'process';
  signal: NodeJS.Signals;
}

const running = new Set<Registered>();
let hooked = false;

/** Ends every registered child that still runs, as registered. Synchronous: safe in an 'exit' listener. */
export function endChildren(): void {
  for (const r of running) {
    running.delete(r);
    const { child } = r;
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) continue;
    try {
      if (r.scope === 'group' && process.platform !== 'win32') process.kill(-child.pid, r.signal);
      else child.kill(r.signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Registers `child` to be ended (`signal`, default SIGKILL; its whole process group when `scope` is
 * 'group') if this process exits while the child runs. Unregistered once the child has exited.
 */
export function endOnExit(child: ChildProcess, scope: 'group' | 'process', signal: NodeJS.Signals = 'SIGKILL'): void {
  if (!hooked) {
    hooked = true;
    process.on('exit', endChildren);
  }
  const r: Registered = { child, scope, signal };
  running.add(r);
  child.once('exit', () => running.delete(r));
}
