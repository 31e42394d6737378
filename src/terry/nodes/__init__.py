"""Thin ROS adapters: each module wires one ROS-free concept to topics and has a main()."""
