"""A rosbridge v2 compatible WebSocket server: ROS-free protocol core (the node is the adapter)."""
