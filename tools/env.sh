# Source this file to work on Terry from a source checkout:  source tools/env.sh
# It puts the project's virtual environment first on PATH and makes ROS find the `terry` package.
# (A catkin workspace does the same with devel/setup.bash instead.)
_terry_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TERRY_ROOT="$_terry_root"
export PATH="$_terry_root/.venv/bin:$PATH"
export PYTHONPATH="$_terry_root/src${PYTHONPATH:+:$PYTHONPATH}"
case ":${ROS_PACKAGE_PATH:-}:" in
  *":$_terry_root:"*) ;;
  *) export ROS_PACKAGE_PATH="$_terry_root${ROS_PACKAGE_PATH:+:$ROS_PACKAGE_PATH}" ;;
esac
export ROS_PYTHON_VERSION=3
export ROSLIBPY_TRANSPORT="${ROSLIBPY_TRANSPORT:-asyncio}"
unset _terry_root
