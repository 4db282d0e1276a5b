from fonds.cli import run

run()
