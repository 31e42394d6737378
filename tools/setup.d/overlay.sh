# Sourced by tools/setup: the catkin overlay with the ROS packages Debian lacks (navigation,
# slam_gmapping, depthimage_to_laserscan, control_msgs, freenect_camera), built by
# tools/overlay/build into a cache outside the clone (about a second once built; the first build
# takes 15-30 min). Its path goes to .setup-stamps/overlay, where tools/env.sh finds it; without
# sources, or where ROS already has the packages, there is no overlay and no stamp.
overlay_dir="$(tools/overlay/build)"
if [ -n "$overlay_dir" ]; then
  printf '%s\n' "$overlay_dir" >"$stamp_dir/overlay"
else
  rm -f "$stamp_dir/overlay"
fi
