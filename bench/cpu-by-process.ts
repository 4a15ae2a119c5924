// CPU as the kernel counts it (Linux /proc, clock ticks), summed by the part of the gateway that used
// it: each service and simulator (by the script its node process runs), Postgres's backends by the
// database they serve, the rest of Postgres, Kafka (the JVM), Redis, and the bench itself. It is
// what says where a figure's limit is on a machine where everything shares the cores: V8's own
// profile counts time a process waits in a socket write while the kernel runs the peer instead.
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: what /proc counts CPU time in (100 on Linux). */
export const ticksPerSecond = 100;

export function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0; // gone meanwhile
  }
}

function componentOf(pid: string): string | undefined {
  const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  if (comm === 'postgres') {
    // A backend's title is "postgres: <user> <database> <client> <state>".
    const backend = /^postgres: \S+ (\S+) \d/.exec(cmdline);
    return backend ? `postgres ${backend[1]}` : 'postgres (other)';
  }
  if (comm.startsWith('redis')) return 'redis';
  if (cmdline.includes('kafka.Kafka')) return 'kafka';
  const script = /(services|simulators|bench)\/([\w-]+)/.exec(cmdline);
  if (script) return script[1] === 'bench' ? 'bench client' : script[2];
  return undefined;
}

export interface CpuSnapshot {
  at: number;
  ticks: Map<string, number>;
  machineBusy: number;
}

export function cpuSnapshot(): CpuSnapshot {
  const ticks = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const component = componentOf(pid);
      if (component !== undefined) ticks.set(component, (ticks.get(component) ?? 0) + processTicks(Number(pid)));
    } catch {
      // gone meanwhile
    }
  }
  const machine = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).slice(1).map(Number);
  const idle = (machine[3] ?? 0) + (machine[4] ?? 0);
  return { at: performance.now(), ticks, machineBusy: machine.reduce((a, b) => a + b, 0) - idle };
}

/** "CPU ms per payment" by component, largest first, and how busy the machine's cores were. */
export function cpuPerPayment(from: CpuSnapshot, to: CpuSnapshot, payments: number): string {
  const ms = (ticks: number) => (ticks / ticksPerSecond) * 1000;
  const parts = [...to.ticks]
    .map(([name, ticks]) => [name, ticks - (from.ticks.get(name) ?? 0)] as const)
    .filter(([, ticks]) => ticks > 0)
    .sort((a, b) => b[1] - a[1]);
  const total = parts.reduce((sum, [, ticks]) => sum + ticks, 0);
  const seconds = (to.at - from.at) / 1000;
  const per = (ticks: number) => (payments > 0 ? (ms(ticks) / payments).toFixed(2) : '-');
  return (
    `CPU per accepted payment ${per(total)} ms: ${parts.map(([name, ticks]) => `${name} ${per(ticks)}`).join(', ')}; ` +
    `machine ${((ms(to.machineBusy - from.machineBusy) / 1000 / seconds) * 100).toFixed(0)} % busy (100 % a core)`
  );
}
