"""The app's screens beyond the main one."""
