// Engine URLs, from the config, DOCKER_HOST or a docker context: checked the same way wherever they come from.

/** What each scheme needs after `://`, for a URL that stops there (issue 17, item 6). */
const URL_NEEDS: Record<string, string> = {
  unix: 'the socket path, e.g. unix:///var/run/docker.sock',
  tcp: 'the engine\'s host and port, e.g. tcp://10.0.0.1:2375',
  https: 'the engine\'s host and port, e.g. https://10.0.0.1:2376',
  ssh: 'the user and host, e.g. ssh://root@10.0.0.1:22',
};

/** What is wrong with an engine URL, or null. */
export function engineUrlProblem(url: string): string | null {
  const m = /^(unix|tcp|https|ssh):\/\/(.*)$/.exec(url);
  if (!m) return 'expected a URL starting with unix://, tcp://, https:// or ssh://';
  if (m[2]!.trim() === '') return `${m[1]}:// needs ${URL_NEEDS[m[1]!]}`;
  return null;
}
