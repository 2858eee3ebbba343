"""Use cases shared by the command line and the web app: assess, import, check in, plan."""
