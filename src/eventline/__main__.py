"""``python -m eventline``: the same CLI as the ``eventline`` command."""

from eventline.cli import main

main(prog_name="eventline")
