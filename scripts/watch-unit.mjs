// The systemd unit of `dockpit watch` lives once, in README.md (section "`dockpit watch`"): the tarball's
// dockpit-watch.service is cut from there, so the two cannot drift.
export function extractWatchUnit(readme) {
  const anchor = readme.indexOf('/etc/systemd/system/dockpit-watch.service');
  const start = readme.indexOf('```ini\n', anchor);
  const end = readme.indexOf('\n```', start + 7);
  if (anchor < 0 || start < 0 || end < 0) throw new Error('README.md: the systemd unit of dockpit watch (```ini after dockpit-watch.service) is missing');
  const unit = readme.slice(start + 7, end + 1);
  if (!unit.includes('[Service]') || !/ExecStart=\S*dockpit watch/.test(unit)) throw new Error('README.md: the ```ini block after dockpit-watch.service is not the watch unit');
  return unit;
}
