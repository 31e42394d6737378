# Sourced by tools/setup: the dashboard's npm packages (web/package-lock.json) and the offline
# roslibjs bundle (web/vendor/roslib.js, git-ignored), rebuilt only when their inputs changed.
if ! fresh web web/package.json web/package-lock.json web/src/*.js || [ ! -f web/vendor/roslib.js ]; then
  say "building the dashboard's roslibjs bundle (npm ci, esbuild)"
  (cd web && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
  if [ -f "$stamp_dir/web.pending" ]; then done_step web; fi
fi
