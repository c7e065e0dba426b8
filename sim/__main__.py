from sim.cli import command

command()
