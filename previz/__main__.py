"""``python -m previz``: the same command line as the ``previz`` script."""

from previz.cli import main

if __name__ == "__main__":
    main()
