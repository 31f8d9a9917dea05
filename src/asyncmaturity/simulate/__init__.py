"""The simulator: a made-up organization's exports or evidence tables, deterministic per seed."""
