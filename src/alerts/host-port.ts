// `host:port` as the config and the command line give addresses (Zabbix's trapper, --metrics); `[::1]:9323` for IPv6.

/** "host:port" → its parts; a clear error otherwise (the config layer adds file:line). */
export function parseHostPort(addr: string, defaultPort?: number): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(addr.trim());
  const port = m?.[3] !== undefined ? Number(m[3]) : defaultPort;
  if (!m || port === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw Object.assign(new Error(`"${addr}" is not host:port (e.g. 127.0.0.1:10051)`), { code: 'BAD_ADDRESS' });
  }
  return { host: (m[1] ?? m[2])!, port };
}
