import * as ROSLIB from "roslib";
window.ROSLIB = ROSLIB;
