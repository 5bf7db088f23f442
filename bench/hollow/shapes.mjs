// Response bodies of a hollow engine, field for field in the shape dockerd 20.10 (API 1.41) answers with:
// every key, nesting and null of a real answer (captured from the test fleet; the conformance test
// test/integration/hollow-conformance.test.ts compares the two on every run). Values are synthetic.
import { IMAGE, IMAGE_ID, NETWORK, NETWORK_ID } from './population.mjs';

export const ENGINE_VERSION = '20.10.24+dfsg1';
export const API_VERSION = '1.41';
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Go's RFC 3339 with nanoseconds, as the engine prints times. */
export function goTime(epochSeconds) {
  if (!epochSeconds) return ZERO_TIME;
  const ms = Math.floor(epochSeconds * 1000);
  const nanos = String(Math.round((epochSeconds * 1e9) % 1e9)).padStart(9, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${nanos}Z`;
}

/** docker/go-units HumanDuration: what `Status` says ("Up 3 minutes"). */
export function humanDuration(seconds) {
  const s = Math.floor(seconds);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(s / 3600);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(h / 24 / 365)} years`;
}

export function statusText(c, now) {
  if (c.state === 'running') return `Up ${humanDuration(now - c.startedAt)}`;
  if (c.state === 'paused') return `Up ${humanDuration(now - c.startedAt)} (Paused)`;
  if (c.state === 'created') return 'Created';
  return `Exited (${c.exitCode}) ${humanDuration(now - c.finishedAt)} ago`;
}

function attached(c) {
  // A stopped container keeps its IPAM config but loses its endpoint, address and MAC (as dockerd shows it).
  return c.state === 'running' || c.state === 'paused';
}

function endpoint(c, aliases) {
  const up = attached(c);
  return {
    IPAMConfig: { IPv4Address: c.ip },
    Links: null,
    Aliases: aliases,
    NetworkID: NETWORK_ID,
    EndpointID: up ? c.id.slice(0, 32) + NETWORK_ID.slice(0, 32) : '',
    Gateway: up ? '10.88.0.1' : '',
    IPAddress: up ? c.ip : '',
    IPPrefixLen: up ? 16 : 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    MacAddress: up ? c.mac : '',
    DriverOpts: null,
  };
}

/** One entry of `GET /containers/json`. */
export function listEntry(c, now) {
  return {
    Id: c.id,
    Names: [`/${c.name}`],
    Image: IMAGE,
    ImageID: IMAGE_ID,
    Command: 'sleep 86400',
    Created: c.created,
    Ports: [],
    Labels: c.labels,
    State: c.state,
    Status: statusText(c, now),
    HostConfig: { NetworkMode: NETWORK },
    NetworkSettings: { Networks: { [NETWORK]: endpoint(c, null) } },
    Mounts: [],
  };
}

/** `GET /containers/{id}/json`. */
export function inspectBody(c) {
  const dir = `/var/lib/docker/containers/${c.id}`;
  const layer = c.id.slice(0, 64);
  const running = c.state === 'running' || c.state === 'paused';
  return {
    Id: c.id,
    Created: goTime(c.created),
    Path: 'sleep',
    Args: ['86400'],
    State: {
      Status: c.state,
      Running: running,
      Paused: c.state === 'paused',
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: running ? c.pid : 0,
      ExitCode: c.exitCode,
      Error: '',
      StartedAt: goTime(c.startedAt),
      FinishedAt: goTime(c.finishedAt),
    },
    Image: IMAGE_ID,
    ResolvConfPath: `${dir}/resolv.conf`,
    HostnamePath: `${dir}/hostname`,
    HostsPath: `${dir}/hosts`,
    LogPath: `${dir}/${c.id}-json.log`,
    Name: `/${c.name}`,
    RestartCount: c.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: {
      Binds: null, ContainerIDFile: '', LogConfig: { Type: 'json-file', Config: {} }, NetworkMode: NETWORK, PortBindings: {},
      RestartPolicy: { ...c.hostConfig.RestartPolicy }, AutoRemove: false, VolumeDriver: '', VolumesFrom: null, CapAdd: null,
      CapDrop: null, CgroupnsMode: 'host', Dns: [], DnsOptions: [], DnsSearch: [], ExtraHosts: null, GroupAdd: null,
      IpcMode: 'private', Cgroup: '', Links: null, OomScoreAdj: 0, PidMode: '', Privileged: false, PublishAllPorts: false,
      ReadonlyRootfs: false, SecurityOpt: null, UTSMode: '', UsernsMode: '', ShmSize: 67108864, Runtime: 'runc',
      ConsoleSize: [0, 0], Isolation: '', CpuShares: c.hostConfig.CpuShares, Memory: c.hostConfig.Memory,
      NanoCpus: c.hostConfig.NanoCpus, CgroupParent: '', BlkioWeight: 0, BlkioWeightDevice: [], BlkioDeviceReadBps: [],
      BlkioDeviceWriteBps: [], BlkioDeviceReadIOps: [], BlkioDeviceWriteIOps: [], CpuPeriod: 0, CpuQuota: 0,
      CpuRealtimePeriod: 0, CpuRealtimeRuntime: 0, CpusetCpus: '', CpusetMems: '', Devices: [], DeviceCgroupRules: null,
      DeviceRequests: null, KernelMemory: 0, KernelMemoryTCP: 0, MemoryReservation: 0, MemorySwap: c.hostConfig.Memory ? c.hostConfig.Memory * 2 : 0,
      MemorySwappiness: null, OomKillDisable: false, PidsLimit: null, Ulimits: [], CpuCount: 0, CpuPercent: 0,
      IOMaximumIOps: 0, IOMaximumBandwidth: 0,
      MaskedPaths: ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'],
      ReadonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
    GraphDriver: {
      Data: {
        LowerDir: `/var/lib/docker/overlay2/${layer}-init/diff:/var/lib/docker/overlay2/${IMAGE_ID.slice(7)}/diff`,
        MergedDir: `/var/lib/docker/overlay2/${layer}/merged`,
        UpperDir: `/var/lib/docker/overlay2/${layer}/diff`,
        WorkDir: `/var/lib/docker/overlay2/${layer}/work`,
      },
      Name: 'overlay2',
    },
    Mounts: [],
    Config: {
      Hostname: c.id.slice(0, 12), Domainname: '', User: '', AttachStdin: false, AttachStdout: false, AttachStderr: false,
      Tty: false, OpenStdin: false, StdinOnce: false, Env: null, Cmd: ['sleep', '86400'], Image: IMAGE, Volumes: null,
      WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: c.labels,
    },
    NetworkSettings: {
      Bridge: '', SandboxID: running ? c.id.split('').reverse().join('') : '', HairpinMode: false, LinkLocalIPv6Address: '',
      LinkLocalIPv6PrefixLen: 0, Ports: {}, SandboxKey: running ? `/var/run/docker/netns/${c.id.slice(0, 12)}` : '',
      SecondaryIPAddresses: null, SecondaryIPv6Addresses: null, EndpointID: '', Gateway: '', GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0, IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', MacAddress: '',
      Networks: { [NETWORK]: endpoint(c, [c.id.slice(0, 12)]) },
    },
  };
}

const THROTTLING = { periods: 0, throttled_periods: 0, throttled_time: 0 };
const EMPTY_CPU = { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: THROTTLING };
const BLKIO_KEYS = ['io_service_bytes_recursive', 'io_serviced_recursive', 'io_queue_recursive', 'io_service_time_recursive',
  'io_wait_time_recursive', 'io_merged_recursive', 'io_time_recursive', 'sectors_recursive'];

/** `GET /containers/{id}/stats?stream=false&one-shot=true`: one read, no precpu (engine-facts.md). */
export function statsBody(c, nowSeconds, ncpu) {
  const base = { name: `/${c.name}`, id: c.id };
  if (c.state !== 'running' && c.state !== 'paused') {
    // What dockerd answers for a stopped container: the shape with zero readings and null blkio lists.
    return {
      read: ZERO_TIME, preread: ZERO_TIME, pids_stats: {}, blkio_stats: Object.fromEntries(BLKIO_KEYS.map((k) => [k, null])),
      num_procs: 0, storage_stats: {}, cpu_stats: EMPTY_CPU, precpu_stats: EMPTY_CPU, memory_stats: {}, ...base,
    };
  }
  const up = nowSeconds - c.startedAt;
  const total = Math.round(up * c.cpuShare * 1e9);
  const stats = {};
  for (const k of ['active_anon', 'active_file', 'cache', 'dirty', 'hierarchical_memory_limit', 'hierarchical_memsw_limit',
    'inactive_anon', 'inactive_file', 'mapped_file', 'pgfault', 'pgmajfault', 'pgpgin', 'pgpgout', 'rss', 'rss_huge',
    'total_active_anon', 'total_active_file', 'total_cache', 'total_dirty', 'total_inactive_anon', 'total_inactive_file',
    'total_mapped_file', 'total_pgfault', 'total_pgmajfault', 'total_pgpgin', 'total_pgpgout', 'total_rss', 'total_rss_huge',
    'total_unevictable', 'total_writeback', 'unevictable', 'writeback']) stats[k] = 0;
  stats.rss = stats.total_rss = c.memBytes - 650_000;
  stats.hierarchical_memory_limit = stats.hierarchical_memsw_limit = 9223372036854771712;
  return {
    read: goTime(nowSeconds), preread: ZERO_TIME, pids_stats: { current: 1 },
    blkio_stats: Object.fromEntries(BLKIO_KEYS.map((k) => [k, []])), num_procs: 0, storage_stats: {},
    cpu_stats: {
      cpu_usage: { total_usage: total, percpu_usage: Array.from({ length: ncpu }, () => Math.round(total / ncpu)), usage_in_kernelmode: Math.round(total / 2), usage_in_usermode: Math.round(total / 2) },
      system_cpu_usage: Math.round(nowSeconds * 1e9 * ncpu), online_cpus: ncpu, throttling_data: THROTTLING,
    },
    precpu_stats: EMPTY_CPU,
    memory_stats: { usage: c.memBytes, max_usage: c.memBytes * 4, stats, limit: c.hostConfig.Memory || 25276510208 },
    ...base,
    networks: {
      eth0: {
        rx_bytes: Math.round(up * c.rxPerSec), rx_packets: Math.round(up * c.rxPerSec / 100), rx_errors: 0, rx_dropped: 0,
        tx_bytes: Math.round(up * c.txPerSec), tx_packets: Math.round(up * c.txPerSec / 100), tx_errors: 0, tx_dropped: 0,
      },
    },
  };
}

/** `GET /version`. */
export function versionBody() {
  const details = { ApiVersion: API_VERSION, Arch: 'amd64', BuildTime: '2026-05-07T21:09:36.000000000+00:00', Experimental: 'false',
    GitCommit: '5d6db84', GoVersion: 'go1.19.8', KernelVersion: 'hollow', MinAPIVersion: '1.12', Os: 'linux' };
  return {
    Platform: { Name: '' },
    Components: [
      { Name: 'Engine', Version: ENGINE_VERSION, Details: details },
      { Name: 'containerd', Version: '1.6.20~ds1', Details: { GitCommit: '1.6.20~ds1-1+deb12u3' } },
      { Name: 'runc', Version: '1.1.5+ds1', Details: { GitCommit: '1.1.5+ds1-1+deb12u1' } },
      { Name: 'docker-init', Version: '0.19.0', Details: { GitCommit: '' } },
    ],
    Version: ENGINE_VERSION, ApiVersion: API_VERSION, MinAPIVersion: '1.12', GitCommit: '5d6db84', GoVersion: 'go1.19.8',
    Os: 'linux', Arch: 'amd64', KernelVersion: 'hollow', BuildTime: '2026-05-07T21:09:36.000000000+00:00',
  };
}

/** `GET /info`. */
export function infoBody({ name, counts, listeners, nowSeconds, ncpu }) {
  return {
    ID: `HOLW:${name.toUpperCase()}`, Containers: counts.total, ContainersRunning: counts.running, ContainersPaused: counts.paused,
    ContainersStopped: counts.total - counts.running - counts.paused, Images: 1, Driver: 'overlay2',
    DriverStatus: [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true'], ['Native Overlay Diff', 'true'], ['userxattr', 'false']],
    Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'ipvlan', 'macvlan', 'null', 'overlay'], Authorization: null,
      Log: ['awslogs', 'fluentd', 'gcplogs', 'gelf', 'journald', 'json-file', 'local', 'logentries', 'splunk', 'syslog'] },
    MemoryLimit: true, SwapLimit: true, KernelMemory: true, KernelMemoryTCP: true, CpuCfsPeriod: true, CpuCfsQuota: true,
    CPUShares: true, CPUSet: true, PidsLimit: true, IPv4Forwarding: true, BridgeNfIptables: true, BridgeNfIp6tables: true,
    Debug: false, NFd: 36, OomKillDisable: true, NGoroutines: 48, SystemTime: goTime(nowSeconds), LoggingDriver: 'json-file',
    CgroupDriver: 'cgroupfs', CgroupVersion: '1', NEventsListener: listeners, KernelVersion: 'hollow',
    OperatingSystem: 'Debian GNU/Linux 12 (bookworm)', OSVersion: '12', OSType: 'linux', Architecture: 'x86_64',
    IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: { AllowNondistributableArtifactsCIDRs: [], AllowNondistributableArtifactsHostnames: [], InsecureRegistryCIDRs: ['127.0.0.0/8'],
      IndexConfigs: { 'docker.io': { Name: 'docker.io', Mirrors: [], Secure: true, Official: true } }, Mirrors: [] },
    NCPU: ncpu, MemTotal: 25276510208, GenericResources: null, DockerRootDir: '/var/lib/docker', HttpProxy: '', HttpsProxy: '',
    NoProxy: '', Name: name, Labels: [], ExperimentalBuild: false, ServerVersion: ENGINE_VERSION,
    Runtimes: { 'io.containerd.runc.v2': { path: 'runc' }, 'io.containerd.runtime.v1.linux': { path: 'runc' }, runc: { path: 'runc' } },
    DefaultRuntime: 'runc',
    Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
    LiveRestoreEnabled: false, Isolation: '', InitBinary: 'docker-init',
    ContainerdCommit: { ID: '1.6.20~ds1-1+deb12u3', Expected: '1.6.20~ds1-1+deb12u3' },
    RuncCommit: { ID: '1.1.5+ds1-1+deb12u1', Expected: '1.1.5+ds1-1+deb12u1' }, InitCommit: { ID: '', Expected: '' },
    SecurityOptions: ['name=seccomp,profile=default'],
    // A real engine lists its warnings here; this one has one that says what it is.
    Warnings: ['WARNING: hollow engine: synthetic containers, for benchmarks only'],
  };
}

/** One line of `/events`: the legacy `status`/`id`/`from` beside Type/Action/Actor, as 20.10 still sends. */
export function eventBody(c, action, extra, timeNano) {
  return {
    status: action, id: c.id, from: IMAGE, Type: 'container', Action: action,
    Actor: { ID: c.id, Attributes: { ...c.labels, ...extra.before, image: IMAGE, name: c.name, ...extra.after } },
    scope: 'local', time: Math.floor(timeNano / 1e9), timeNano,
  };
}
