"""The dashboard's web server (the page itself lives in web/)."""
