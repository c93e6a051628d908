"""The scheduler process (the third front end beside the command line and the web)."""
