"""Python packaging for catkin (catkin_python_setup); the source set-up uses src/ directly."""

from catkin_pkg.python_setup import generate_distutils_setup
from setuptools import find_packages, setup

setup(**generate_distutils_setup(packages=find_packages("src"), package_dir={"": "src"}))
