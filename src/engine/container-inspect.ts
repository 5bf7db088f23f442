/** The part of `GET /containers/{id}/json` that dockpit reads. */
export interface ContainerInspect {
  Id: string;
  Name: string;
  Created: string;
  Path: string;
  Args: string[];
  Image: string;
  RestartCount: number;
  State: {
    Status: string;
    Running: boolean;
    Paused: boolean;
    Restarting: boolean;
    OOMKilled: boolean;
    Dead: boolean;
    Pid: number;
    ExitCode: number;
    Error: string;
    StartedAt: string;
    FinishedAt: string;
    Health?: { Status: string; FailingStreak: number; Log?: Array<{ Start: string; End: string; ExitCode: number; Output: string }> };
  };
  Config: {
    Image: string;
    Cmd: string[] | null;
    Entrypoint: string[] | null;
    Env: string[] | null;
    Labels: Record<string, string> | null;
    Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number };
    ExposedPorts?: Record<string, object> | null;
    WorkingDir?: string;
    User?: string;
    Hostname?: string;
    /** With a TTY the log is raw bytes; without, it is multiplexed in frames (log-demux.ts). */
    Tty?: boolean;
  };
  HostConfig: {
    RestartPolicy: { Name: string; MaximumRetryCount: number };
    NanoCpus: number;
    CpuShares: number;
    CpuQuota: number;
    CpuPeriod: number;
    Memory: number;
    MemorySwap: number;
    PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null;
    Binds: string[] | null;
    NetworkMode: string;
  };
  Mounts: Array<{ Type: string; Name?: string; Source: string; Destination: string; Mode: string; RW: boolean }>;
  NetworkSettings: {
    Ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null;
    Networks: Record<string, { IPAddress: string; IPPrefixLen?: number; Gateway: string; MacAddress: string; IPAMConfig?: { IPv4Address?: string } | null; Aliases?: string[] | null }>;
  };
}
