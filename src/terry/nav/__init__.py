"""Navigation helpers without ROS: frontiers on an occupancy grid and exploring's decisions."""
