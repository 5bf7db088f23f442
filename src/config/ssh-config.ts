import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SSHConfig from 'ssh-config';

export interface SshAliasSettings {
  hostName?: string;
  user?: string;
  port?: number;
  identityFile?: string;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Reads what `~/.ssh/config` says of an alias (HostName, User, Port, IdentityFile), as `ssh` would. */
export function lookupSshAlias(alias: string, configPath = path.join(os.homedir(), '.ssh', 'config')): SshAliasSettings {
  let text: string;
  try {
    text = fs.readFileSync(configPath, 'utf8');
  } catch {
    return {};
  }
  const computed = SSHConfig.parse(text).compute(alias);
  const port = first(computed.Port);
  const settings: SshAliasSettings = {};
  const hostName = first(computed.HostName);
  if (hostName) settings.hostName = hostName;
  const user = first(computed.User);
  if (user) settings.user = user;
  if (port && /^\d+$/.test(port)) settings.port = Number(port);
  const identity = first(computed.IdentityFile);
  if (identity) settings.identityFile = identity;
  return settings;
}
