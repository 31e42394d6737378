# Sourced by tools/overlay/build: the small changes the pinned upstream sources need to build
# against Debian 12 (pluginlib 5.2, Boost 1.74), applied to the unpacked copy in the temporary
# workspace, never to anything in the repository. Each fix fails loudly when it no longer applies.

# edit FILE SED_SCRIPT: run sed on FILE and fail when nothing changed.
edit() {
  local file="$1" before
  if [ ! -f "$file" ]; then
    echo "[overlay] fix no longer applies: no $file" >&2
    return 1
  fi
  before="$(sha256sum "$file")"
  sed -i "$2" "$file"
  if [ "$(sha256sum "$file")" = "$before" ]; then
    echo "[overlay] fix no longer applies: $2 in $file" >&2
    return 1
  fi
}

# Debian's pluginlib-dev ships only class_list_macros.hpp.
pluginlib_hpp() { edit "$1" 's|<pluginlib/class_list_macros\.h>|<pluginlib/class_list_macros.hpp>|'; }

# Boost 1.74 no longer puts _1, _2 in the global namespace: bring them in before the first include.
placeholders() {
  edit "$1" '0,/^#include/s||#include <boost/bind/bind.hpp>\nusing namespace boost::placeholders;\n#include|'
}

apply_fixes() {  # apply_fixes SRC: SRC holds the unpacked repositories
  local src="$1"
  pluginlib_hpp "$src/depthimage_to_laserscan/src/DepthImageToLaserScanNodelet.cpp"
  placeholders "$src/depthimage_to_laserscan/src/DepthImageToLaserScanROS.cpp"
  pluginlib_hpp "$src/slam_gmapping/gmapping/src/nodelet.cpp"
  placeholders "$src/slam_gmapping/gmapping/src/slam_gmapping.cpp"
  # slam_gmapping_replay uses Boost program_options without asking CMake for it
  edit "$src/slam_gmapping/gmapping/CMakeLists.txt" \
    's|^find_package(Boost REQUIRED)$|find_package(Boost REQUIRED COMPONENTS program_options)|'
  pluginlib_hpp "$src/freenect_stack/freenect_camera/src/nodelets/driver.cpp"
  placeholders "$src/freenect_stack/freenect_camera/src/nodelets/driver.cpp"
  placeholders "$src/freenect_stack/freenect_camera/include/freenect_camera/freenect_device.hpp"
}
