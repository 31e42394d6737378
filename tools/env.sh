# Source this file to work on Terry from a source checkout:  source tools/env.sh
# It puts the project's virtual environment first on PATH and makes ROS find the `terry` package,
# and the catkin overlay with the ROS packages Debian lacks (move_base, amcl, gmapping, ...) when
# ./run setup built one (its path is in .setup-stamps/overlay).
# (A catkin workspace does the same with devel/setup.bash instead.)
_terry_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TERRY_ROOT="$_terry_root"

# The overlay first, on the paths its setup.sh would set (an install space), so that Terry's own
# entries below come before it; entries of an older overlay from the same cache are dropped.
_terry_overlay=""
if [ -f "$_terry_root/.setup-stamps/overlay" ]; then
  read -r _terry_overlay <"$_terry_root/.setup-stamps/overlay" || true
fi
if [ -n "$_terry_overlay" ] && [ -f "$_terry_overlay/setup.sh" ]; then
  _terry_prepend() {  # _terry_prepend VAR DIR: DIR first in VAR, without other overlays' entries
    local entry kept=""
    IFS=: read -ra _terry_entries <<<"${!1:-}"
    for entry in "${_terry_entries[@]}"; do
      case "$entry" in
        "" | "$2" | "$_terry_root" | "${_terry_overlay%/*}"/overlay-*) ;;
        *) kept+="${kept:+:}$entry" ;;
      esac
    done
    export "$1=$2${kept:+:$kept}"
  }
  _terry_prepend CMAKE_PREFIX_PATH "$_terry_overlay"
  _terry_prepend LD_LIBRARY_PATH "$_terry_overlay/lib"
  _terry_prepend PKG_CONFIG_PATH "$_terry_overlay/lib/pkgconfig"
  _terry_prepend PYTHONPATH "$_terry_overlay/lib/python3/dist-packages"
  _terry_prepend ROS_PACKAGE_PATH "$_terry_overlay/share"
  unset -f _terry_prepend
  unset _terry_entries
fi

export PATH="$_terry_root/.venv/bin:$PATH"
export PYTHONPATH="$_terry_root/src${PYTHONPATH:+:$PYTHONPATH}"
case ":${ROS_PACKAGE_PATH:-}:" in
  *":$_terry_root:"*) ;;
  *) export ROS_PACKAGE_PATH="$_terry_root${ROS_PACKAGE_PATH:+:$ROS_PACKAGE_PATH}" ;;
esac
export ROS_PYTHON_VERSION=3
# ROS stays on loopback unless a network was asked for (ROS_IP or ROS_HOSTNAME set): rospy and
# roscpp then bind the master and every node's ports to 127.0.0.1 (docs/navigation.md: networks).
if [ -z "${ROS_IP:-}" ] && [ -z "${ROS_HOSTNAME:-}" ]; then export ROS_HOSTNAME=localhost; fi
export ROSLIBPY_TRANSPORT="${ROSLIBPY_TRANSPORT:-asyncio}"
unset _terry_root _terry_overlay
