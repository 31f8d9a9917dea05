"""Decision records: a team's decisions as MADR files, read and written in :mod:`.records`."""
